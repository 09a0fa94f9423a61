import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Small facts about this installation: catalogue versions loaded, demo data loaded … */
@Entity('app_meta')
export class AppMeta {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'jsonb' })
  value: unknown;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
