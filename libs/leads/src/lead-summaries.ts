import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { scopeSql } from '@sunlight/common';
import type { WarningCard } from './lead-types.js';

/** A period of change: after `since`, up to and including `until`. */
export interface LeadWindow {
  since: Date;
  until: Date;
}

export interface RuleCountRow {
  rule_code: string;
  n: number;
}

export interface CountyCountRow {
  county_code: string;
  n: number;
}

/** One lead as a list in a summary shows it (fen as text; the explanation unmasked). */
export interface LeadLineRow {
  id: string;
  rule_code: string;
  region_code: string;
  amount_at_risk_fen: string;
  explanation: string;
  card: WarningCard | null;
}

export interface CardCountsRow {
  yellow: number;
  red: number;
}

export interface OverdueNoticeRow {
  number: string;
  recipient: string;
  /** YYYY-MM-DD */
  due_on: string;
}

export interface OverdueCountyRow {
  county_code: string;
  overdue: number;
}

/** A region subtree to watch for alerts since a moment, named by the caller's key. */
export interface AlertWatch {
  key: string;
  region: string;
  since: Date;
}

// Filters over $1 (since, exclusive) and $2 (until, inclusive); constants, never input.
const RAISED = `created_at > $1 AND created_at <= $2`;
/** Cards turned yellow or red in the window on leads still open. */
const NEWLY_CARDED = `card IN ('yellow', 'red') AND card_since > $1 AND card_since <= $2 AND status NOT IN ('dismissed', 'closed')`;
const REPEATS = `rule_code = 'R12' AND ${RAISED}`;
const OPEN = `status NOT IN ('dismissed', 'closed')`;

/**
 * What summaries of a region (the supervisors' digest) ask of leads and notices, one named
 * question a method, each one set-based statement. Everything but `alerting` is in the actor's
 * scope (decided per call); region names are the caller's to look up.
 */
@Injectable()
export class LeadSummaries {
  constructor(private readonly dataSource: DataSource) {}

  /** Leads raised in the window, per rule (in rule order). */
  raisedByRule(w: LeadWindow): Promise<RuleCountRow[]> {
    return this.dataSource.query(`SELECT rule_code, count(*)::int AS n FROM leads WHERE ${scopeSql('region_code')} AND ${RAISED} GROUP BY rule_code ORDER BY rule_code`, [w.since, w.until]);
  }

  /** Leads raised in the window, per county, most first. */
  raisedByCounty(w: LeadWindow): Promise<CountyCountRow[]> {
    return this.dataSource.query(
      `SELECT county_code, count(*)::int AS n FROM leads WHERE ${scopeSql('region_code')} AND ${RAISED} GROUP BY county_code ORDER BY n DESC, county_code`,
      [w.since, w.until],
    );
  }

  /** The largest leads raised in the window. */
  largestRaised(w: LeadWindow, limit: number): Promise<LeadLineRow[]> {
    return this.lines(RAISED, w, limit);
  }

  /** The largest open leads whose card turned yellow or red in the window. */
  largestNewlyCarded(w: LeadWindow, limit: number): Promise<LeadLineRow[]> {
    return this.lines(NEWLY_CARDED, w, limit);
  }

  /** The largest R12 repeats raised in the window. */
  largestRepeats(w: LeadWindow, limit: number): Promise<LeadLineRow[]> {
    return this.lines(REPEATS, w, limit);
  }

  /** Open leads whose card turned yellow or red in the window, counted per colour. */
  async newCards(w: LeadWindow): Promise<CardCountsRow> {
    const [row] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE card = 'yellow')::int AS yellow, count(*) FILTER (WHERE card = 'red')::int AS red
       FROM leads WHERE ${scopeSql('region_code')} AND ${NEWLY_CARDED}`,
      [w.since, w.until],
    );
    return row;
  }

  /** Open leads past their deadline on `today` (YYYY-MM-DD), per county, most first. */
  overdueByCounty(today: string, limit: number): Promise<OverdueCountyRow[]> {
    return this.dataSource.query(
      `SELECT county_code, count(*)::int AS overdue FROM leads WHERE ${scopeSql('region_code')} AND ${OPEN} AND due_on < $1::date
       GROUP BY county_code ORDER BY overdue DESC, county_code LIMIT $2`,
      [today, limit],
    );
  }

  /** Notices still unanswered after their answer date, on `today` (YYYY-MM-DD), oldest first. */
  overdueNotices(today: string, limit: number): Promise<OverdueNoticeRow[]> {
    return this.dataSource.query(
      `SELECT number, recipient, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM notices
       WHERE ${scopeSql('region_code')} AND status = 'issued' AND due_on < $1::date ORDER BY due_on, id LIMIT $2`,
      [today, limit],
    );
  }

  /**
   * The keys of the watches under whose region a red card was set, or an R12 repeat raised,
   * since their moment: what calls for an alert. Asked by the system for many regions at once,
   * so it filters by the watches' regions, not by the actor's scope.
   */
  async alerting(watches: AlertWatch[]): Promise<Set<string>> {
    if (!watches.length) return new Set();
    const rows: { key: string }[] = await this.dataSource.query(
      `SELECT w.key FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS w(key, region, since)
       WHERE EXISTS (SELECT 1 FROM leads l WHERE l.region_code LIKE w.region || '%'
                       AND ((l.card = 'red' AND l.card_since > w.since) OR (l.rule_code = 'R12' AND l.created_at > w.since)))`,
      [watches.map((w) => w.key), watches.map((w) => w.region), watches.map((w) => w.since.toISOString())],
    );
    return new Set(rows.map((r) => r.key));
  }

  private lines(filter: string, w: LeadWindow, limit: number): Promise<LeadLineRow[]> {
    return this.dataSource.query(
      `SELECT id::text, rule_code, region_code, amount_at_risk_fen::text, explanation, card FROM leads
       WHERE ${scopeSql('region_code')} AND ${filter} ORDER BY leads.amount_at_risk_fen DESC, leads.id LIMIT $3`, // qualified: the table's numbers, not the text answered
      [w.since, w.until, limit],
    );
  }
}
