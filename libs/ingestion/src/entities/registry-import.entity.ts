import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import type { RegistryKind } from '../types.js';

/** One load of a reference registry (比对库): who, when, which file, what came of it. */
@Entity('registry_imports')
@Index('idx_registry_imports_kind', ['kind', 'createdAt'])
export class RegistryImport {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 24 })
  kind: RegistryKind;

  @Column({ type: 'char', length: 64, name: 'file_sha256' })
  fileSha256: string;

  @Column({ type: 'text', name: 'file_name' })
  fileName: string;

  @Column({ type: 'boolean', default: false })
  replace: boolean;

  @Column({ type: 'text', name: 'imported_by' })
  importedBy: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: 'pending' | 'importing' | 'stored' | 'rejected' | 'failed';

  @Column({ type: 'int', name: 'total_rows', default: 0 })
  totalRows: number;

  @Column({ type: 'int', name: 'accepted_rows', default: 0 })
  acceptedRows: number;

  @Column({ type: 'int', name: 'rejected_rows', default: 0 })
  rejectedRows: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Where the uploaded file waits for its import job (API uploads). */
  @Column({ type: 'text', name: 'file_path', nullable: true })
  filePath: string | null;

  @Column({ type: 'boolean', name: 'allow_partial', default: false })
  allowPartial: boolean;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
