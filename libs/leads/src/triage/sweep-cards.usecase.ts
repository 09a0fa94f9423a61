import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, InputError } from '@sunlight/common';
import { AuditLog } from '@sunlight/audit';
import { InjectDeadlines, type DeadlineSettings } from '../deadlines.js';
import { WorkingCalendar } from './calendar.js';

export class SweepCardsCommand {
  /** `today` simulates another day (YYYY-MM-DD); by default the clock's today in Asia/Shanghai. */
  constructor(readonly today?: string) {}
}

export interface SweepResult {
  today: string;
  /** Cards set by this sweep, per colour. */
  set: { blue: number; yellow: number; red: number };
  leadIds: string[];
}

/**
 * The daily warning-card sweep (预警): blue when a lead's deadline is `blueBefore` working days
 * away or fewer, yellow once it has passed, red when passed by `redAfter` working days. One
 * statement over the open leads; a card only ever goes up (clearing one is a person's action
 * with a reason), so running the sweep twice, or for an earlier day, changes nothing.
 */
@Injectable()
export class SweepCards {
  private readonly logger = new Logger(SweepCards.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly calendar: WorkingCalendar,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    @InjectDeadlines() private readonly settings: DeadlineSettings,
  ) {}

  async execute(command: SweepCardsCommand = new SweepCardsCommand()): Promise<SweepResult> {
    const today = command.today ?? this.clock.today();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(today))) throw new InputError(`日期 "${today}" 无效`, { column: 'today', value: today, expected: 'YYYY-MM-DD' });
    await this.calendar.ensure();
    const { blueBefore, redAfter } = this.settings.cards;
    const result = await this.dataSource.transaction(async (em) => {
      const [known] = await em.query(`SELECT workday_index FROM calendar_days WHERE day = $1`, [today]);
      if (!known) throw new InputError(`日期 ${today} 超出工作日历范围 (2020–2035)`, { column: 'today', value: today, expected: '2020-01-01 … 2035-12-31' });
      const changed: { id: string; region_code: string; before: string | null; after: string; due_on: string }[] = await em.query(
        `WITH t AS (SELECT workday_index AS idx FROM calendar_days WHERE day = $1::date),
         computed AS (
           SELECT l.id, l.card AS before,
                  CASE WHEN $1::date > l.due_on AND t.idx - c.workday_index >= $3 THEN 'red'
                       WHEN $1::date > l.due_on THEN 'yellow'
                       WHEN c.workday_index - t.idx <= $2 THEN 'blue' END AS card
           FROM leads l JOIN calendar_days c ON c.day = l.due_on CROSS JOIN t
           WHERE l.status NOT IN ('dismissed', 'closed') AND l.due_on IS NOT NULL
             AND l.due_on <= (SELECT max(day) FROM calendar_days, t WHERE workday_index <= t.idx + $2)
             AND l.card IS DISTINCT FROM 'red'
         ),
         u AS (
           UPDATE leads l SET card = computed.card, card_since = $4, updated_at = now()
           FROM computed
           WHERE l.id = computed.id AND computed.card IS NOT NULL
             AND array_position(ARRAY['blue', 'yellow', 'red'], computed.card) > coalesce(array_position(ARRAY['blue', 'yellow', 'red'], l.card::text), 0)
           RETURNING l.id::text, l.region_code, computed.before, computed.card AS after, to_char(l.due_on, 'YYYY-MM-DD') AS due_on
         )
         SELECT * FROM u ORDER BY id::bigint`,
        [today, blueBefore, redAfter, this.clock.now()],
      );
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
    for (const c of result) set[c.after as keyof typeof set]++;
    if (result.length) this.logger.log({ today, ...set }, 'warning cards set');
    return { today, set, leadIds: result.map((c) => c.id) };
  }
}
