import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One payment of a batch (发放明细). The table is partitioned by `segment` (migration
 * PartitionedDisbursements): TypeORM does not model that, so it leaves the table alone.
 */
@Entity({ name: 'disbursements', synchronize: false })
export class Disbursement {
  /** (batch_id << 24) + row_no: unique without a sequence, and it names the batch. */
  @PrimaryColumn({ type: 'bigint', generatedType: 'STORED', asExpression: '(batch_id << 24) + row_no' })
  id: string;

  @Column({ type: 'bigint', name: 'batch_id' })
  batchId: string;

  /** Row number in the file (the header is row 1). */
  @Column({ type: 'int', name: 'row_no' })
  rowNo: number;

  /** 0: the partition small batches share; a large batch's id: the partition of its own. */
  @Column({ type: 'bigint' })
  segment: string;

  @Column({ type: 'varchar', length: 9, collation: 'C', name: 'region_code' })
  regionCode: string;

  @Column({ type: 'varchar', length: 16, collation: 'C', name: 'program_code' })
  programCode: string;

  /** YYYY-MM */
  @Column({ type: 'varchar', length: 7, collation: 'C' })
  period: string;

  @Column({ type: 'varchar', length: 18, collation: 'C', name: 'id_number' })
  idNumber: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', name: 'household_id', nullable: true })
  householdId: string | null;

  /** Yuan as written in the file (validated); amount_fen is what Sunlight computes with. */
  @Column({ type: 'varchar', length: 16 })
  amount: string;

  @Column({ type: 'bigint', name: 'amount_fen', generatedType: 'STORED', asExpression: '(amount::numeric * 100)::bigint' })
  amountFen: string;

  @Column({ type: 'varchar', length: 30, collation: 'C', name: 'bank_account', nullable: true })
  bankAccount: string | null;

  @Column({ type: 'text', name: 'account_holder', nullable: true })
  accountHolder: string | null;

  /** YYYY-MM-DD as written (validated); paid_on is the date. */
  @Column({ type: 'varchar', length: 10, name: 'paid_on_text' })
  paidOnText: string;

  @Column({ type: 'date', name: 'paid_on', generatedType: 'STORED', asExpression: 'make_date(…)' })
  paidOn: string;

  @Column({ type: 'text', nullable: true })
  payer: string | null;
}
