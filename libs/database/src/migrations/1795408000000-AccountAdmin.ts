import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the admin's user list shows and a password reset needs: when a user last signed in, and
 * whether their password was set by an admin (to be changed at the next sign-in).
 */
export class AccountAdmin1795408000000 implements MigrationInterface {
  name = 'AccountAdmin1795408000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN last_login_at timestamptz, ADD COLUMN must_change_password boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN last_login_at, DROP COLUMN must_change_password`);
  }
}
