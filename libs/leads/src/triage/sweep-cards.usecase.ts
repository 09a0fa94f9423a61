import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, InputError } from '@sunlight/common';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { AuditLog } from '@sunlight/audit';
import type { WarningCard } from '../entities/index.js';
import { readDeadlines } from '../deadlines.js';
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

const rank = (card: string) => `coalesce(array_position(ARRAY['blue', 'yellow', 'red'], ${card}::text), 0)`;

/**
 * The cards a sweep for day $1 raises: blue when a lead's deadline is $2 working days away or
 * fewer, yellow once it has passed, red when passed by $3; only ever up, so open leads already
 * red are not looked at.
 */
const CHANGES = `WITH t AS (SELECT workday_index AS idx FROM calendar_days WHERE day = $1::date),
  computed AS (
    SELECT l.id, l.region_code, l.due_on, l.card AS before,
           CASE WHEN $1::date > l.due_on AND t.idx - c.workday_index >= $3 THEN 'red'
                WHEN $1::date > l.due_on THEN 'yellow'
                WHEN c.workday_index - t.idx <= $2 THEN 'blue' END AS card
    FROM leads l JOIN calendar_days c ON c.day = l.due_on CROSS JOIN t
    WHERE l.status NOT IN ('dismissed', 'closed') AND l.due_on IS NOT NULL
      AND l.due_on <= (SELECT max(day) FROM calendar_days, t WHERE workday_index <= t.idx + $2)
      AND l.card IS DISTINCT FROM 'red'
  ),
  changes AS (SELECT * FROM computed WHERE card IS NOT NULL AND ${rank('card')} > ${rank('before')})`;

interface ChangedRow {
  id: string;
  region_code: string;
  before: WarningCard | null;
  after: WarningCard;
  due_on: string;
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
    private readonly calendar: WorkingCalendar,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async execute(command: SweepCardsCommand = new SweepCardsCommand()): Promise<SweepResult> {
    const today = command.today ?? this.clock.today();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(today))) throw new InputError(`日期 "${today}" 无效`, { column: 'today', value: today, expected: 'YYYY-MM-DD' });
    await this.calendar.ensure();
    const { blueBefore, redAfter } = readDeadlines(this.config.configDir).cards;
    const result = await this.dataSource.transaction(async (em) => {
      // A simulation cannot write, whatever the statement below becomes.
      if (!command.apply) await em.query(`SET TRANSACTION READ ONLY`);
      const [known] = await em.query(`SELECT workday_index FROM calendar_days WHERE day = $1`, [today]);
      if (!known) throw new InputError(`日期 ${today} 超出工作日历范围 (2020–2035)`, { column: 'today', value: today, expected: '2020-01-01 … 2035-12-31' });
      if (!command.apply) {
        return (await em.query(
          `${CHANGES} SELECT id::text, region_code, before, card AS after, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM changes ORDER BY id`,
          [today, blueBefore, redAfter],
        )) as ChangedRow[];
      }
      const changed: ChangedRow[] = await em.query(
        `${CHANGES},
         u AS (
           UPDATE leads l SET card = changes.card, card_since = $4, updated_at = now()
           FROM changes
           WHERE l.id = changes.id AND ${rank('changes.card')} > ${rank('l.card')}
           RETURNING l.id::text, l.region_code, changes.before, changes.card AS after, to_char(l.due_on, 'YYYY-MM-DD') AS due_on
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
    for (const c of result) set[c.after]++;
    if (command.apply && result.length) this.logger.log({ today, ...set }, 'warning cards set');
    return { today, applied: command.apply, set, leadIds: result.map((c) => c.id), changes: result.map((c) => ({ leadId: c.id, from: c.before, to: c.after })) };
  }
}
