import { Injectable } from '@nestjs/common';
import { ActorContext, Clock } from '@sunlight/common';
import { LeadBreakdowns, LeadRepository, type Cohort } from '@sunlight/leads';
import { childCodeLength, RegionsService } from '@sunlight/regions';
import { byOverdue, figuresOf, type Figures } from './figures.js';
import { periodCohort } from './period.js';

export class RegionTableCommand {
  constructor(
    /** A region inside the actor's scope; null: the scope itself. */
    readonly regionCode: string | null,
    /** First and last day (YYYY-MM-DD) on which the leads counted were raised; null: 1 January of this year, today. */
    readonly from: string | null,
    readonly to: string | null,
  ) {}
}

/** A region as the figures name it ('' is the whole country). */
export interface NamedRegion {
  code: string;
  name: string;
}

export interface RegionRow extends Figures, NamedRegion {
  /** The leads recorded at the region's own level rather than in one of its children (本级). */
  own: boolean;
  /** The row has children to drill down into (a township has none). */
  drillable: boolean;
}

export interface RegionTable {
  region: NamedRegion & { drillable: boolean };
  /** From the top of the actor's scope down to the region: the breadcrumb. */
  path: NamedRegion[];
  from: string;
  to: string;
  totals: Figures;
  /** Every child region in code order (those without leads with zeros), then any 本级 row. */
  rows: RegionRow[];
}

const COUNTRY = '全国';

/**
 * The statistics table: the figures of a region's leads raised in a period, per child region
 * (a city's counties, a county's townships), and in total. The rows add up to the totals.
 */
@Injectable()
export class RegionTableQuery {
  constructor(
    private readonly leads: LeadRepository,
    private readonly breakdowns: LeadBreakdowns,
    private readonly regions: RegionsService,
    private readonly clock: Clock,
  ) {}

  async execute(command: RegionTableCommand): Promise<RegionTable> {
    const cohort = periodCohort(this.clock, command.regionCode ?? ActorContext.current().scope, command.from, command.to);
    return this.table(cohort);
  }

  /** The table of a cohort already checked. */
  async table(cohort: Cohort): Promise<RegionTable> {
    const code = cohort.region;
    const childLength = childCodeLength(code);
    const [totals, grouped, children, lineage] = await Promise.all([
      this.leads.cohortTotals(cohort),
      childLength ? this.breakdowns.byChildRegion(cohort, childLength) : Promise.resolve([]),
      childLength ? this.regions.children(code) : Promise.resolve([]),
      code ? this.regions.lineage(code) : Promise.resolve([]),
    ]);
    const scope = ActorContext.current().scope ?? '';
    const names = new Map(lineage.map((r) => [r.code, r.name]));
    const nameOf = (c: string) => (c === '' ? COUNTRY : (names.get(c) ?? c));
    const path: NamedRegion[] = [...(scope === '' ? [{ code: '', name: COUNTRY }] : []), ...lineage.filter((r) => r.code.length >= scope.length).map((r) => ({ code: r.code, name: r.name }))];
    if (code && !path.some((p) => p.code === code)) path.push({ code, name: code }); // a code the catalogue lacks
    const byCode = new Map(grouped.map((g) => [g.code, g]));
    const rows: RegionRow[] = children.map((c) => ({ code: c.code, name: c.name, own: false, drillable: childCodeLength(c.code) !== null, ...figuresOf(byCode.get(c.code)) }));
    const listed = new Set(children.map((c) => c.code));
    for (const g of grouped) {
      if (listed.has(g.code)) continue;
      const own = g.code === code;
      rows.push({ code: g.code, name: own ? `${nameOf(code)}（本级）` : g.code, own, drillable: !own && childCodeLength(g.code) !== null, ...figuresOf(g) });
    }
    return { region: { code, name: nameOf(code), drillable: childLength !== null }, path, from: cohort.from, to: cohort.to, totals: figuresOf(totals), rows };
  }
}

/** The table's rows most overdue first (the ranking of regions by overdue leads). */
export function rankByOverdue(rows: RegionRow[]): RegionRow[] {
  return [...rows].sort(byOverdue);
}
