import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { JobHandler, JobName, type JobOf } from '@sunlight/queue';
import { FoldBatchPartition, FoldBatchPartitionCommand } from './fold-batch-partition.usecase.js';
import { ImportBatch, ImportBatchCommand } from './import-batch.usecase.js';
import { ImportRegistry, ImportRegistryCommand } from './import-registry.usecase.js';
import { discardUpload } from './uploads.js';

/**
 * Imports files uploaded through the API: the pending row names the file waiting on disk. A job
 * that runs again finds its row done and does nothing; a killed one resumes from scratch.
 */
@Injectable()
export class ImportProcessor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly importBatch: ImportBatch,
    private readonly importRegistry: ImportRegistry,
    private readonly foldBatchPartition: FoldBatchPartition,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @JobHandler(JobName.ImportBatch)
  async batch(job: JobOf<JobName.ImportBatch>) {
    const [batch] = await this.dataSource.query(
      `SELECT id::text, status, file_path, file_name, uploaded_by, uploader_region, allow_partial FROM disbursement_batches WHERE id = $1`,
      [job.data.batchId],
    );
    if (!batch || !['pending', 'importing'].includes(batch.status)) {
      // Ended meanwhile (the janitor failed it after a kill): its upload waits for nobody now.
      if (batch) await discardUpload(this.config.dataDir, batch.file_path);
      return { skipped: batch?.status ?? 'missing' };
    }
    const result = await this.importBatch.execute(
      new ImportBatchCommand(batch.file_path, batch.file_name, batch.uploaded_by, batch.uploader_region, batch.allow_partial, batch.id),
      (phase, detail) => void job.updateProgress({ phase, ...detail }).catch(() => undefined),
    );
    await discardUpload(this.config.dataDir, batch.file_path);
    return result;
  }

  @JobHandler(JobName.ImportRegistry)
  async registry(job: JobOf<JobName.ImportRegistry>) {
    const [row] = await this.dataSource.query(
      `SELECT id::text, kind, status, file_path, file_name, imported_by, replace, allow_partial FROM registry_imports WHERE id = $1`,
      [job.data.importId],
    );
    if (!row || !['pending', 'importing'].includes(row.status)) {
      if (row) await discardUpload(this.config.dataDir, row.file_path);
      return { skipped: row?.status ?? 'missing' };
    }
    const result = await this.importRegistry.execute(
      new ImportRegistryCommand(row.kind, row.file_path, row.file_name, row.imported_by, row.replace, row.allow_partial, row.id),
    );
    await discardUpload(this.config.dataDir, row.file_path);
    return result;
  }

  @JobHandler(JobName.FoldBatchPartition)
  async fold(job: JobOf<JobName.FoldBatchPartition>) {
    return this.foldBatchPartition.execute(new FoldBatchPartitionCommand(job.data.batchId));
  }
}
