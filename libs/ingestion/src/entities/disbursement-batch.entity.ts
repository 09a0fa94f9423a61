import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import type { BatchStatus } from '../types.js';

/** One uploaded file of disbursements (发放批次). */
@Entity('disbursement_batches')
// The same bytes are stored once: at most one stored batch per file hash.
@Index('uq_batches_stored_sha', ['fileSha256'], { unique: true, where: `status = 'stored'` })
@Index('idx_batches_region', ['regionCode', 'createdAt'])
export class DisbursementBatch {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'char', length: 64, name: 'file_sha256' })
  fileSha256: string;

  @Column({ type: 'text', name: 'file_name' })
  fileName: string;

  @Column({ type: 'varchar', length: 8 })
  format: 'csv' | 'xlsx';

  /** The uploader's region: every row must lie inside it. */
  @Column({ type: 'varchar', length: 9, collation: 'C', name: 'region_code' })
  regionCode: string;

  @Column({ type: 'text', name: 'uploaded_by' })
  uploadedBy: string;

  @Column({ type: 'boolean', name: 'allow_partial', default: false })
  allowPartial: boolean;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: BatchStatus;

  @Column({ type: 'int', name: 'total_rows', default: 0 })
  totalRows: number;

  @Column({ type: 'int', name: 'accepted_rows', default: 0 })
  acceptedRows: number;

  @Column({ type: 'int', name: 'rejected_rows', default: 0 })
  rejectedRows: number;

  /** A file-level problem (unreadable file, missing column …). */
  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Where the uploaded file waits for its import job (API uploads). */
  @Column({ type: 'text', name: 'file_path', nullable: true })
  filePath: string | null;

  /** Partition of its payments: 0 (shared) or the batch's own id. */
  @Column({ type: 'bigint', default: 0 })
  segment: string;

  /** Last sign of life of the import; a stale 'importing' batch is cleaned up. */
  @Column({ type: 'timestamptz', name: 'heartbeat_at', nullable: true })
  heartbeatAt: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  progress: { phase: string; rows?: number; percent?: number } | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
