import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, InputError } from '@sunlight/common';
import { AuditLog } from '@sunlight/audit';
import type { WarningCard } from '../lead-types.js';
import { InjectDeadlines, type DeadlineSettings } from '../deadlines.js';
import { LeadRepository } from '../lead.repository.js';
import { WorkingCalendar } from './calendar.js';

export class SweepCardsCommand {
  constructor(
    /** `today` simulates another day (YYYY-MM-DD); by default the clock's today in Asia/Shanghai. */
    readonly today?: string,
    /**
     * Write the cards. By default only the real today does: a simulated day shows what would
     * change and changes nothing unless told to apply.
     */
    readonly apply: boolean = today === undefined,
  ) {}
}

export interface CardChange {
  leadId: string;
  from: WarningCard | null;
  to: WarningCard;
}

export interface SweepResult {
  today: string;
  /** Whether the cards were written (false: a simulation, nothing changed). */
  applied: boolean;
  /** Cards set (or that would be set) by this sweep, per colour. */
  set: Record<WarningCard, number>;
  leadIds: string[];
  changes: CardChange[];
}

/**
 * The daily warning-card sweep (预警): blue when a lead's deadline is `blueBefore` working days
 * away or fewer, yellow once it has passed, red when passed by `redAfter` working days. One
 * statement over the open leads; a card only ever goes up (clearing one is a person's action
 * with a reason), so running the sweep twice, or for an earlier day, changes nothing. A
 * simulation runs the same statement read-only and answers what it would change.
 */
@Injectable()
export class SweepCards {
  private readonly logger = new Logger(SweepCards.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly leads: LeadRepository,
    private readonly calendar: WorkingCalendar,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    @InjectDeadlines() private readonly settings: DeadlineSettings,
  ) {}

  async execute(command: SweepCardsCommand = new SweepCardsCommand()): Promise<SweepResult> {
    const today = command.today ?? this.clock.today();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(today))) throw new InputError(`日期 "${today}" 无效`, { column: 'today', value: today, expected: 'YYYY-MM-DD' });
    await this.calendar.ensure();
    const rules = this.settings.cards;
    const result = await this.dataSource.transaction(async (em) => {
      // A simulation cannot write, whatever the statements below become.
      if (!command.apply) await em.query(`SET TRANSACTION READ ONLY`);
      if (!(await this.calendar.covers(em, today))) throw new InputError(`日期 ${today} 超出工作日历范围 (2020–2035)`, { column: 'today', value: today, expected: '2020-01-01 … 2035-12-31' });
      if (!command.apply) return this.leads.cardChanges(em, today, rules);
      const changed = await this.leads.raiseCards(em, today, rules, this.clock.now());
      await this.audit.appendMany(
        em,
        changed.map((c) => ({
          action: 'lead.card',
          subjectType: 'lead',
          subjectId: c.id,
          regionCode: c.region_code,
          reason: `预警: 期限 ${c.due_on}，按 ${today} 计`,
          data: { from: c.before, card: c.after, dueOn: c.due_on, today },
        })),
        undefined,
        this.clock.now(),
      );
      return changed;
    });
    const set = { blue: 0, yellow: 0, red: 0 };
    for (const c of result) set[c.after]++;
    if (command.apply && result.length) this.logger.log({ today, ...set }, 'warning cards set');
    return { today, applied: command.apply, set, leadIds: result.map((c) => c.id), changes: result.map((c) => ({ leadId: c.id, from: c.before, to: c.after })) };
  }
}
