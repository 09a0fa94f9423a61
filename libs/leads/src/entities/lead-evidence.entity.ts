import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A payment behind a lead, with the registry facts that made it evidence. Unique per key and
 * payment, across the key's generations: a payment counts once, so an R12 repeat holds only
 * payments its earlier lead did not have.
 */
@Entity('lead_evidence')
@Index('idx_lead_evidence_lead', ['leadId'])
@Index('idx_lead_evidence_disbursement', ['disbursementId'])
export class LeadEvidence {
  @PrimaryColumn({ type: 'text', collation: 'C', name: 'lead_key' })
  leadKey: string;

  @PrimaryColumn({ type: 'bigint', name: 'disbursement_id' })
  disbursementId: string;

  @Column({ type: 'bigint', name: 'lead_id' })
  leadId: string;

  @Column({ type: 'bigint', name: 'run_id', nullable: true })
  runId: string | null;

  /** Registry facts: which record of which import, e.g. {"registry":"deceased","import_id":"3",…}. */
  @Column({ type: 'jsonb', nullable: true })
  facts: Record<string, unknown>[] | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'attached_at' })
  attachedAt: Date;
}
