import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Jobs recorded in the transaction of the change that calls for them (a stored batch's check),
 * moved into the queue after commit, at start-up and periodically: a job cannot be lost between
 * the commit and the queue. job_id is the queue's job id, so moving a row twice adds one job.
 */
export class JobOutbox1795402000000 implements MigrationInterface {
  name = 'JobOutbox1795402000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE job_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        job_name text NOT NULL,
        job_id text NOT NULL UNIQUE,
        payload jsonb NOT NULL,
        options jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE job_outbox`);
  }
}
