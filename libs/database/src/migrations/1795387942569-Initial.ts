import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795387942569 implements MigrationInterface {
    name = 'Initial1795387942569'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "app_meta" ("key" text NOT NULL, "value" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2517812d17c14a0ecd40dd79d63" PRIMARY KEY ("key"))`);
        await queryRunner.query(`CREATE TABLE "regions" ("code" character varying(9) COLLATE "C" NOT NULL, "name" text NOT NULL, "level" smallint NOT NULL, "parent_code" character varying(9) COLLATE "C", CONSTRAINT "PK_4f6dc5a464961e7c65a395ea4c6" PRIMARY KEY ("code"))`);
        await queryRunner.query(`CREATE INDEX "IDX_7241ca7859f4288fb12567dd95" ON "regions"  ("parent_code") `);
        await queryRunner.query(`CREATE TABLE "programs" ("code" character varying(16) COLLATE "C" NOT NULL, "name" text NOT NULL, "frequency" character varying(8) NOT NULL, "cap_fen" bigint NOT NULL, "means_tested" boolean NOT NULL, "min_age" smallint, "max_age" smallint, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_11924ca2e0cb47a8d9400bada03" PRIMARY KEY ("code"))`);
        await queryRunner.query(`CREATE TABLE "disbursement_batches" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "file_sha256" character(64) NOT NULL, "file_name" text NOT NULL, "format" character varying(8) NOT NULL, "region_code" character varying(9) COLLATE "C" NOT NULL, "uploaded_by" text NOT NULL, "allow_partial" boolean NOT NULL DEFAULT false, "status" character varying(16) NOT NULL DEFAULT 'pending', "total_rows" integer NOT NULL DEFAULT '0', "accepted_rows" integer NOT NULL DEFAULT '0', "rejected_rows" integer NOT NULL DEFAULT '0', "error" text, "file_path" text, "progress" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b621d37b30354bfab7b35ac1448" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_batches_region" ON "disbursement_batches"  ("region_code", "created_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_batches_stored_sha" ON "disbursement_batches"  ("file_sha256") WHERE status = 'stored'`);
        await queryRunner.query(`CREATE TABLE "disbursements" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "batch_id" bigint NOT NULL, "row_no" integer NOT NULL, "region_code" character varying(9) COLLATE "C" NOT NULL, "program_code" character varying(16) COLLATE "C" NOT NULL, "period" date NOT NULL, "id_number" character varying(18) COLLATE "C" NOT NULL, "name" text NOT NULL, "household_id" text, "amount_fen" bigint NOT NULL, "bank_account" character varying(30) COLLATE "C", "account_holder" text, "paid_on" date NOT NULL, "payer" text, CONSTRAINT "PK_2f9ea0e5b8382113aaa3e51cdfa" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_disbursements_region" ON "disbursements"  ("region_code", "period") `);
        await queryRunner.query(`CREATE INDEX "idx_disbursements_account" ON "disbursements"  ("bank_account") WHERE bank_account IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_disbursements_person" ON "disbursements"  ("id_number", "program_code", "period") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_disbursements_batch_row" ON "disbursements"  ("batch_id", "row_no") `);
        await queryRunner.query(`CREATE TABLE "rejected_rows" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "source" character varying(8) NOT NULL, "import_id" bigint NOT NULL, "row_no" integer NOT NULL, "column_name" text, "value" text, "reason" text NOT NULL, CONSTRAINT "PK_6df5243a702041a2b32d6ba92c7" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_rejected_rows_import" ON "rejected_rows"  ("source", "import_id", "row_no") `);
        await queryRunner.query(`CREATE TABLE "registry_imports" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "kind" character varying(24) NOT NULL, "file_sha256" character(64) NOT NULL, "file_name" text NOT NULL, "replace" boolean NOT NULL DEFAULT false, "imported_by" text NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "total_rows" integer NOT NULL DEFAULT '0', "accepted_rows" integer NOT NULL DEFAULT '0', "rejected_rows" integer NOT NULL DEFAULT '0', "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_be5990f618e9bde82c9f55e866d" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_registry_imports_kind" ON "registry_imports"  ("kind", "created_at") `);
        await queryRunner.query(`CREATE TABLE "reg_deceased" ("id_number" character varying(18) COLLATE "C" NOT NULL, "death_date" date NOT NULL, "name" text, "import_id" bigint NOT NULL, CONSTRAINT "PK_4b08100d3396ef16f588c8829b9" PRIMARY KEY ("id_number", "death_date"))`);
        await queryRunner.query(`CREATE TABLE "reg_public_employees" ("id_number" character varying(18) COLLATE "C" NOT NULL, "from_date" date NOT NULL, "name" text, "employer" text, "to_date" date, "import_id" bigint NOT NULL, CONSTRAINT "PK_62dd1c11738b15d8747fba19bee" PRIMARY KEY ("id_number", "from_date"))`);
        await queryRunner.query(`CREATE TABLE "reg_village_officials" ("id_number" character varying(18) COLLATE "C" NOT NULL, "region_code" character varying(9) COLLATE "C" NOT NULL, "name" text, "role" text, "household_id" text, "import_id" bigint NOT NULL, CONSTRAINT "PK_8ee9d87be97185a8087bcc08ff0" PRIMARY KEY ("id_number", "region_code"))`);
        await queryRunner.query(`CREATE INDEX "idx_reg_village_officials_household" ON "reg_village_officials"  ("household_id") `);
        await queryRunner.query(`CREATE TABLE "reg_household_members" ("household_id" text NOT NULL, "id_number" character varying(18) COLLATE "C" NOT NULL, "name" text, "relation" text, "import_id" bigint NOT NULL, CONSTRAINT "PK_510160581218cb5dd9df2f8d2ec" PRIMARY KEY ("household_id", "id_number"))`);
        await queryRunner.query(`CREATE INDEX "idx_reg_household_members_person" ON "reg_household_members"  ("id_number") `);
        await queryRunner.query(`CREATE TABLE "reg_vehicles" ("id_number" character varying(18) COLLATE "C" NOT NULL, "registered_on" date NOT NULL, "plate_no" text, "deregistered_on" date, "import_id" bigint NOT NULL, CONSTRAINT "PK_4569f889ebdeb6271ee51de0a71" PRIMARY KEY ("id_number", "registered_on"))`);
        await queryRunner.query(`CREATE TABLE "reg_businesses" ("id_number" character varying(18) COLLATE "C" NOT NULL, "registered_on" date NOT NULL, "company" text, "deregistered_on" date, "import_id" bigint NOT NULL, CONSTRAINT "PK_17895b1be3b5f64762f0498f113" PRIMARY KEY ("id_number", "registered_on"))`);
        await queryRunner.query(`CREATE TABLE "leads" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "rule_code" character varying(4) NOT NULL, "rule_version" integer NOT NULL, "severity" character varying(8) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'new', "outcome" character varying(16), "lead_key" text COLLATE "C" NOT NULL, "generation" integer NOT NULL DEFAULT '0', "id_number" character varying(18) COLLATE "C", "name" text, "program_code" character varying(16) COLLATE "C", "period" character varying(7), "bank_account" character varying(30) COLLATE "C", "region_code" character varying(9) COLLATE "C" NOT NULL, "amount_at_risk_fen" bigint NOT NULL DEFAULT '0', "evidence_count" integer NOT NULL DEFAULT '0', "late_evidence_count" integer NOT NULL DEFAULT '0', "repeat_of" bigint, "repeat_rule" character varying(4), "card" character varying(8), "due_on" date, "explanation" text NOT NULL DEFAULT '', "registry_snapshot" jsonb NOT NULL DEFAULT '{}', "raised_by_run" bigint, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "closed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_cd102ed7a9a4ca7d4d8bfeba406" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_leads_person" ON "leads"  ("id_number") `);
        await queryRunner.query(`CREATE INDEX "idx_leads_region_status" ON "leads"  ("region_code", "status") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_leads_key_generation" ON "leads"  ("lead_key", "generation") `);
        await queryRunner.query(`CREATE TABLE "lead_evidence" ("lead_key" text COLLATE "C" NOT NULL, "disbursement_id" bigint NOT NULL, "lead_id" bigint NOT NULL, "run_id" bigint, "facts" jsonb, "attached_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e1c1579dd127e80c7817777341e" PRIMARY KEY ("lead_key", "disbursement_id"))`);
        await queryRunner.query(`CREATE INDEX "idx_lead_evidence_disbursement" ON "lead_evidence"  ("disbursement_id") `);
        await queryRunner.query(`CREATE INDEX "idx_lead_evidence_lead" ON "lead_evidence"  ("lead_id") `);
        await queryRunner.query(`CREATE TABLE "check_runs" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "scope" character varying(8) NOT NULL, "batch_ids" bigint array, "trigger" character varying(16) NOT NULL, "requested_by" text, "status" character varying(16) NOT NULL DEFAULT 'queued', "progress" jsonb, "summary" jsonb, "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_1fe9c7649e3b0dbff66e03e1bd8" PRIMARY KEY ("id"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "check_runs"`);
        await queryRunner.query(`DROP INDEX "public"."idx_lead_evidence_lead"`);
        await queryRunner.query(`DROP INDEX "public"."idx_lead_evidence_disbursement"`);
        await queryRunner.query(`DROP TABLE "lead_evidence"`);
        await queryRunner.query(`DROP INDEX "public"."uq_leads_key_generation"`);
        await queryRunner.query(`DROP INDEX "public"."idx_leads_region_status"`);
        await queryRunner.query(`DROP INDEX "public"."idx_leads_person"`);
        await queryRunner.query(`DROP TABLE "leads"`);
        await queryRunner.query(`DROP TABLE "reg_businesses"`);
        await queryRunner.query(`DROP TABLE "reg_vehicles"`);
        await queryRunner.query(`DROP INDEX "public"."idx_reg_household_members_person"`);
        await queryRunner.query(`DROP TABLE "reg_household_members"`);
        await queryRunner.query(`DROP INDEX "public"."idx_reg_village_officials_household"`);
        await queryRunner.query(`DROP TABLE "reg_village_officials"`);
        await queryRunner.query(`DROP TABLE "reg_public_employees"`);
        await queryRunner.query(`DROP TABLE "reg_deceased"`);
        await queryRunner.query(`DROP INDEX "public"."idx_registry_imports_kind"`);
        await queryRunner.query(`DROP TABLE "registry_imports"`);
        await queryRunner.query(`DROP INDEX "public"."idx_rejected_rows_import"`);
        await queryRunner.query(`DROP TABLE "rejected_rows"`);
        await queryRunner.query(`DROP INDEX "public"."uq_disbursements_batch_row"`);
        await queryRunner.query(`DROP INDEX "public"."idx_disbursements_person"`);
        await queryRunner.query(`DROP INDEX "public"."idx_disbursements_account"`);
        await queryRunner.query(`DROP INDEX "public"."idx_disbursements_region"`);
        await queryRunner.query(`DROP TABLE "disbursements"`);
        await queryRunner.query(`DROP INDEX "public"."uq_batches_stored_sha"`);
        await queryRunner.query(`DROP INDEX "public"."idx_batches_region"`);
        await queryRunner.query(`DROP TABLE "disbursement_batches"`);
        await queryRunner.query(`DROP TABLE "programs"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_7241ca7859f4288fb12567dd95"`);
        await queryRunner.query(`DROP TABLE "regions"`);
        await queryRunner.query(`DROP TABLE "app_meta"`);
    }

}
