import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TIME_ZONE } from '@sunlight/common';
import { COHORT_FIGURES, cohortCondition, cohortParams, cohortSql, type Cohort, type CohortTotalsRow } from './lead.repository.js';

/** The figures of the cohort's leads under one child region (`code`: the child's code, or the region itself for leads recorded at its own level). */
export interface ChildRegionFiguresRow extends CohortTotalsRow {
  code: string;
}

export interface RuleFiguresRow extends CohortTotalsRow {
  rule_code: string;
}

/** `month`: YYYY-MM (Asia/Shanghai), the month the leads were raised. */
export interface MonthFiguresRow extends CohortTotalsRow {
  month: string;
}

/** The most months a series by month spans (20 years). */
export const MAX_MONTHS = 240;

/**
 * The supervisors' figures of a cohort (the leads raised in a region subtree during a period, in
 * the actor's scope), broken down: by child region, by rule, by month. Each is one set-based
 * statement whose rows carry the same figures as `LeadRepository.cohortTotals`, so that every
 * breakdown adds up to the totals.
 */
@Injectable()
export class LeadBreakdowns {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Per child region: the leads grouped by the first `childLength` digits of their region (2
   * provinces, 4 cities, 6 counties, 9 townships). Only children with leads; code order.
   */
  byChildRegion(cohort: Cohort, childLength: 2 | 4 | 6 | 9): Promise<ChildRegionFiguresRow[]> {
    return this.dataSource.query(
      `SELECT left(region_code, $4) AS code, ${COHORT_FIGURES} ${cohortSql()} GROUP BY 1 ORDER BY 1`,
      [...cohortParams(cohort), childLength],
    );
  }

  /** Per rule; only rules with leads; rule order. */
  byRule(cohort: Cohort): Promise<RuleFiguresRow[]> {
    return this.dataSource.query(`SELECT rule_code, ${COHORT_FIGURES} ${cohortSql()} GROUP BY rule_code ORDER BY rule_code`, cohortParams(cohort));
  }

  /**
   * Per month in which the leads were raised, every month of the period in order, those
   * without leads with zeros. The caller keeps the period within MAX_MONTHS.
   */
  byMonth(cohort: Cohort): Promise<MonthFiguresRow[]> {
    return this.dataSource.query(
      `WITH months AS (SELECT m::date AS m FROM generate_series(date_trunc('month', $2::date), $3::date, interval '1 month') AS m)
       SELECT to_char(months.m, 'YYYY-MM') AS month, ${COHORT_FIGURES}
       FROM months LEFT JOIN leads ON ${cohortCondition()}
         AND created_at >= (months.m)::timestamp AT TIME ZONE '${TIME_ZONE}'
         AND created_at < (months.m + interval '1 month')::timestamp AT TIME ZONE '${TIME_ZONE}'
       GROUP BY months.m ORDER BY months.m`,
      cohortParams(cohort),
    );
  }
}
