import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert digests: each supervisor's schedule, and every digest composed — stored before it is
 * sent, so that a restart resends the same content, and unique per user, kind and period, so
 * that two workers cannot both send one period.
 */
export class Digests1795399000000 implements MigrationInterface {
  name = 'Digests1795399000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE digest_settings (
        user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        frequency varchar(8) NOT NULL DEFAULT 'daily' CHECK (frequency IN ('daily', 'weekly', 'off')),
        weekday smallint NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 1 AND 7),
        hour smallint NOT NULL DEFAULT 8 CHECK (hour BETWEEN 0 AND 23),
        send_empty boolean NOT NULL DEFAULT true,
        alerts boolean NOT NULL DEFAULT true,
        webhook boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE digests (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind varchar(10) NOT NULL CHECK (kind IN ('scheduled', 'alert', 'manual')),
        period_key text NOT NULL,
        period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL,
        recipient text,
        subject text NOT NULL,
        text_body text NOT NULL,
        html_body text NOT NULL,
        charts jsonb NOT NULL DEFAULT '[]',
        figures jsonb NOT NULL DEFAULT '{}',
        empty boolean NOT NULL DEFAULT false,
        status varchar(16) NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'not-configured')),
        attempts integer NOT NULL DEFAULT 0,
        claimed_at timestamptz,
        last_error text,
        message_id text,
        sent_at timestamptz,
        webhook_status text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, kind, period_key)
      )`);
    await q.query(`CREATE INDEX idx_digests_user ON digests (user_id, id DESC)`);
    await q.query(`CREATE INDEX idx_digests_open ON digests (status) WHERE status IN ('pending', 'sending')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE digests; DROP TABLE digest_settings`);
  }
}
