import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

import type { ProgramFrequency } from './program-types.js';

/** A fund program (资金项目) of the catalogue in config/programs.json. */
@Entity('programs')
export class Program {
  @PrimaryColumn({ type: 'varchar', length: 16, collation: 'C' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'varchar', length: 8 })
  frequency: ProgramFrequency;

  /** Largest single payment allowed per period, in fen. */
  @Column({ type: 'bigint', name: 'cap_fen' })
  capFen: string;

  /** Means-tested programs exclude public-payroll staff, vehicle owners and business owners. */
  @Column({ type: 'boolean', name: 'means_tested' })
  meansTested: boolean;

  @Column({ type: 'smallint', name: 'min_age', nullable: true })
  minAge: number | null;

  @Column({ type: 'smallint', name: 'max_age', nullable: true })
  maxAge: number | null;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
