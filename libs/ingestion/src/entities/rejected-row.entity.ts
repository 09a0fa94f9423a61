import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Why a row of an imported file was refused: row, column, the value and what was expected. */
@Entity('rejected_rows')
@Index('idx_rejected_rows_import', ['source', 'importId', 'rowNo'])
export class RejectedRow {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 8 })
  source: 'batch' | 'registry';

  @Column({ type: 'bigint', name: 'import_id' })
  importId: string;

  /** Row number in the file (the header is row 1); 0 for a problem of the whole file. */
  @Column({ type: 'int', name: 'row_no' })
  rowNo: number;

  @Column({ type: 'text', name: 'column_name', nullable: true })
  columnName: string | null;

  @Column({ type: 'text', nullable: true })
  value: string | null;

  @Column({ type: 'text' })
  reason: string;
}
