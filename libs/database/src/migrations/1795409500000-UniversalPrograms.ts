import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A `universal` program is owed to everyone in its age range (CONTRACT §2; R13 应享未享 looks for who was not paid). */
export class UniversalPrograms1795409500000 implements MigrationInterface {
  name = 'UniversalPrograms1795409500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE programs ADD COLUMN universal boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE programs DROP COLUMN universal`);
  }
}
