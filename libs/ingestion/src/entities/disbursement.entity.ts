import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One payment of a batch (发放明细). Money in fen, the period as the first day of its month. */
@Entity('disbursements')
@Index('uq_disbursements_batch_row', ['batchId', 'rowNo'], { unique: true })
@Index('idx_disbursements_person', ['idNumber', 'programCode', 'period'])
@Index('idx_disbursements_account', ['bankAccount'], { where: 'bank_account IS NOT NULL' })
@Index('idx_disbursements_region', ['regionCode', 'period'])
export class Disbursement {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'bigint', name: 'batch_id' })
  batchId: string;

  /** Row number in the file (the header is row 1). */
  @Column({ type: 'int', name: 'row_no' })
  rowNo: number;

  @Column({ type: 'varchar', length: 9, collation: 'C', name: 'region_code' })
  regionCode: string;

  @Column({ type: 'varchar', length: 16, collation: 'C', name: 'program_code' })
  programCode: string;

  /** First day of the `period` month. */
  @Column({ type: 'date' })
  period: string;

  @Column({ type: 'varchar', length: 18, collation: 'C', name: 'id_number' })
  idNumber: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', name: 'household_id', nullable: true })
  householdId: string | null;

  @Column({ type: 'bigint', name: 'amount_fen' })
  amountFen: string;

  @Column({ type: 'varchar', length: 30, collation: 'C', name: 'bank_account', nullable: true })
  bankAccount: string | null;

  @Column({ type: 'text', name: 'account_holder', nullable: true })
  accountHolder: string | null;

  @Column({ type: 'date', name: 'paid_on' })
  paidOn: string;

  @Column({ type: 'text', nullable: true })
  payer: string | null;
}
