import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Registry imports uploaded through the API wait for their job with the file's path, like batches. */
export class UploadedFiles1795393000000 implements MigrationInterface {
  name = 'UploadedFiles1795393000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE registry_imports ADD COLUMN file_path text, ADD COLUMN allow_partial boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE registry_imports DROP COLUMN file_path, DROP COLUMN allow_partial`);
  }
}
