import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attachments of a lead (谈话记录, 整改报告, 其他): PDF, PNG or JPEG as the file's own first bytes
 * say, at most 10 MiB, kept in the database with the lead (owned by libs/leads). The content is
 * stored out of line and uncompressed (STORAGE EXTERNAL): the three formats are compressed
 * already, and a listing reads none of it.
 */
export class LeadAttachments1795407000000 implements MigrationInterface {
  name = 'LeadAttachments1795407000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE lead_attachments (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        lead_id bigint NOT NULL REFERENCES leads (id),
        kind varchar(16) NOT NULL CHECK (kind IN ('interview', 'rectification', 'other')),
        file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
        media_type varchar(32) NOT NULL CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg')),
        size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
        sha256 char(64) NOT NULL,
        content bytea NOT NULL CHECK (octet_length(content) = size_bytes),
        uploaded_by bigint NOT NULL,
        uploaded_by_name text NOT NULL,
        uploaded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE lead_attachments ALTER COLUMN content SET STORAGE EXTERNAL`);
    await q.query(`CREATE INDEX idx_lead_attachments_lead ON lead_attachments (lead_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE lead_attachments`);
  }
}
