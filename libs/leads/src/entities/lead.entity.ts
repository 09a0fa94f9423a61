import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

import type { LeadOutcome, LeadStatus, Severity, WarningCard } from '../lead-types.js';

/**
 * A flagged finding (问题线索). Its key (rule and key fields) decides where new evidence goes:
 * the newest lead of a key (highest generation) collects it, unless that lead was closed as
 * rectified, in which case an R12 lead of the next generation is raised.
 */
@Entity('leads')
@Index('uq_leads_key_generation', ['leadKey', 'generation'], { unique: true })
@Index('idx_leads_person', ['idNumber'])
export class Lead {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 4, name: 'rule_code' })
  ruleCode: string;

  @Column({ type: 'int', name: 'rule_version' })
  ruleVersion: number;

  @Column({ type: 'varchar', length: 8 })
  severity: Severity;

  @Column({ type: 'varchar', length: 16, default: 'new' })
  status: LeadStatus;

  /** Set when the lead is dismissed (查否) or rectified (已整改); decides what new evidence does. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  outcome: LeadOutcome | null;

  /** Rule and key fields of CONTRACT §4, e.g. "R06|4210…|DIBAO|2024-04|". */
  @Column({ type: 'text', collation: 'C', name: 'lead_key' })
  leadKey: string;

  /** 0 for the first lead of a key; each R12 repeat is the next generation. */
  @Column({ type: 'int', default: 0 })
  generation: number;

  @Column({ type: 'varchar', length: 18, collation: 'C', name: 'id_number', nullable: true })
  idNumber: string | null;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 16, collation: 'C', name: 'program_code', nullable: true })
  programCode: string | null;

  /** R07: YYYY-MM; R06: YYYY-MM, YYYY or null by the program's frequency; else null. */
  @Column({ type: 'varchar', length: 7, nullable: true })
  period: string | null;

  @Column({ type: 'varchar', length: 30, collation: 'C', name: 'bank_account', nullable: true })
  bankAccount: string | null;

  /** Region of the first payment behind the lead; decides who sees it. */
  @Column({ type: 'varchar', length: 9, collation: 'C', name: 'region_code' })
  regionCode: string;

  @Column({ type: 'bigint', name: 'amount_at_risk_fen', default: 0 })
  amountAtRiskFen: string;

  @Column({ type: 'int', name: 'evidence_count', default: 0 })
  evidenceCount: number;

  /** Evidence that arrived after the lead was dismissed (counted, not re-raised). */
  @Column({ type: 'int', name: 'late_evidence_count', default: 0 })
  lateEvidenceCount: number;

  /** R12: the earlier lead of the same key and its rule. */
  @Column({ type: 'bigint', name: 'repeat_of', nullable: true })
  repeatOf: string | null;

  @Column({ type: 'varchar', length: 4, name: 'repeat_rule', nullable: true })
  repeatRule: string | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  card: WarningCard | null;

  @Column({ type: 'date', name: 'due_on', nullable: true })
  dueOn: string | null;

  /** One sentence in Chinese saying why the lead was raised. */
  @Column({ type: 'text', default: '' })
  explanation: string;

  /** Registry imports (kind → import id) current when the lead last received evidence. */
  @Column({ type: 'jsonb', name: 'registry_snapshot', default: () => `'{}'` })
  registrySnapshot: Record<string, string>;

  @Column({ type: 'bigint', name: 'raised_by_run', nullable: true })
  raisedByRun: string | null;

  /** The county (first six digits of region_code): the level most queue views work at. */
  @Column({ type: 'varchar', length: 6, collation: 'C', name: 'county_code', generatedType: 'STORED', asExpression: 'left(region_code, 6)', insert: false, update: false })
  countyCode: string;

  @Column({ type: 'bigint', name: 'assignee_id', nullable: true })
  assigneeId: string | null;

  @Column({ type: 'text', name: 'assignee_name', nullable: true })
  assigneeName: string | null;

  /** The deadline due_on belongs to: verify, dispose, rectify or close (config/deadlines.json). */
  @Column({ type: 'varchar', length: 16, name: 'deadline_step', default: 'verify' })
  deadlineStep: string;

  /** What verification concluded: 查实 or 查否. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  verdict: 'confirmed' | 'dismissed' | null;

  @Column({ type: 'text', nullable: true })
  finding: string | null;

  @Column({ type: 'bigint', name: 'amount_confirmed_fen', nullable: true })
  amountConfirmedFen: string | null;

  /** 收缴/追回, summed over every recovery recorded. */
  @Column({ type: 'bigint', name: 'amount_recovered_fen', default: 0 })
  amountRecoveredFen: string;

  /** 函询, 谈话, 立案, 移送司法机关, 组织处理, 党纪政务处分 — more than one allowed. */
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  disposals: string[];

  @Column({ type: 'timestamptz', name: 'verified_at', nullable: true })
  verifiedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'rectified_at', nullable: true })
  rectifiedAt: Date | null;

  /** When the current card was set (the digest reports cards earned since it last ran). */
  @Column({ type: 'timestamptz', name: 'card_since', nullable: true })
  cardSince: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', name: 'closed_at', nullable: true })
  closedAt: Date | null;
}
