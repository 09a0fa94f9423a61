import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The refresh token a rotation just replaced, and when: a page left while its refresh was in
 * flight never receives the new token, so the old one stays good for a few seconds (as Auth0's
 * reuse interval) instead of revoking the session as a copied token would.
 */
export class RefreshReuseWindow1795409000000 implements MigrationInterface {
  name = 'RefreshReuseWindow1795409000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sessions ADD COLUMN previous_refresh_hash char(64), ADD COLUMN rotated_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sessions DROP COLUMN previous_refresh_hash, DROP COLUMN rotated_at`);
  }
}
