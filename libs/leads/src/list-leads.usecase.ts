import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { fenToYuan, scopeSql } from '@sunlight/common';

export class ListLeadsCommand {
  constructor(
    readonly limit = 50,
    /** Keyset: leads with a smaller id than this. */
    readonly before?: string,
  ) {}
}

/** The newest leads in the actor's scope. (Responses are masked on their way out.) */
@Injectable()
export class ListLeads {
  constructor(private readonly dataSource: DataSource) {}

  async execute(command: ListLeadsCommand) {
    const rows = await this.dataSource.query(
      `SELECT id::text, rule_code, severity, status, id_number, name, program_code, period, bank_account, region_code,
              amount_at_risk_fen::text, evidence_count, card, due_on, explanation, repeat_of::text, repeat_rule, created_at
       FROM leads WHERE ${scopeSql('region_code')} AND ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
      [command.before ?? null, Math.min(Math.max(command.limit, 1), 200)],
    );
    return {
      items: rows.map((r: Record<string, string>) => ({
        id: r.id,
        rule: r.rule_code,
        severity: r.severity,
        status: r.status,
        id_number: r.id_number,
        name: r.name,
        program_code: r.program_code,
        period: r.period,
        bank_account: r.bank_account,
        region_code: r.region_code,
        amount_at_risk: fenToYuan(r.amount_at_risk_fen),
        evidence_count: r.evidence_count,
        card: r.card,
        due_on: r.due_on,
        explanation: r.explanation,
        repeat_of: r.repeat_of,
        repeat_rule: r.repeat_rule,
        created_at: r.created_at,
      })),
      next: rows.length ? rows[rows.length - 1].id : null,
    };
  }
}
