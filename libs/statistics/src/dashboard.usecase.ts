import { Injectable } from '@nestjs/common';
import { ActorContext, Clock } from '@sunlight/common';
import { LeadBreakdowns } from '@sunlight/leads';
import { RULE_CATALOGUE } from '@sunlight/rules';
import { figuresOf, type Figures } from './figures.js';
import { periodCohort } from './period.js';
import { rankByOverdue, RegionTableQuery, type RegionRow, type RegionTable } from './region-table.usecase.js';

export class DashboardCommand {
  constructor(
    /** A region inside the actor's scope; null: the scope itself. */
    readonly regionCode: string | null,
    /** First and last day (YYYY-MM-DD) on which the leads counted were raised; null: 1 January of this year, today. */
    readonly from: string | null,
    readonly to: string | null,
  ) {}
}

export interface RuleRow extends Figures {
  rule: string;
  name: string;
}

export interface MonthRow extends Figures {
  /** YYYY-MM */
  month: string;
}

export interface DashboardView extends RegionTable {
  /** Per rule with leads, in rule order. */
  byRule: RuleRow[];
  /** Every month of the period, in order, months without leads with zeros. */
  byMonth: MonthRow[];
  /** The child regions, most overdue first. */
  ranking: RegionRow[];
}

// The catalogue is the one source of rule names (CONTRACT §4).
const RULE_NAMES = new Map(RULE_CATALOGUE.map((r) => [r.code, r.name.zh]));

/**
 * A supervisor's dashboard of a region (their scope, or a region inside it) for a period: the
 * figure tiles, the series by rule, by child region (for drilling down) and by month, and the
 * child regions ranked by overdue leads. Every series counts the same leads as the tiles.
 */
@Injectable()
export class Dashboard {
  constructor(
    private readonly table: RegionTableQuery,
    private readonly breakdowns: LeadBreakdowns,
    private readonly clock: Clock,
  ) {}

  async execute(command: DashboardCommand): Promise<DashboardView> {
    const cohort = periodCohort(this.clock, command.regionCode ?? ActorContext.current().scope, command.from, command.to);
    const [table, rules, months] = await Promise.all([this.table.table(cohort), this.breakdowns.byRule(cohort), this.breakdowns.byMonth(cohort)]);
    return {
      ...table,
      byRule: rules.map((r) => ({ rule: r.rule_code, name: RULE_NAMES.get(r.rule_code) ?? r.rule_code, ...figuresOf(r) })),
      byMonth: months.map((m) => ({ month: m.month, ...figuresOf(m) })),
      ranking: rankByOverdue(table.rows),
    };
  }
}
