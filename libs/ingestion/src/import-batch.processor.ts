import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobHandler, JobName, type JobOf } from '@sunlight/queue';
import { ImportBatch, ImportBatchCommand } from './import-batch.usecase.js';

/** Imports a batch uploaded through the API: the batch row names the file waiting on disk. */
@Injectable()
export class ImportBatchProcessor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly importBatch: ImportBatch,
  ) {}

  @JobHandler(JobName.ImportBatch)
  async run(job: JobOf<JobName.ImportBatch>) {
    const [batch] = await this.dataSource.query(
      `SELECT id::text, status, file_path, file_name, uploaded_by, region_code, allow_partial FROM disbursement_batches WHERE id = $1`,
      [job.data.batchId],
    );
    if (!batch || !['pending', 'importing'].includes(batch.status)) return { skipped: batch?.status ?? 'missing' }; // done already
    let lastWrite = 0;
    return this.importBatch.execute(
      new ImportBatchCommand(batch.file_path, batch.file_name, batch.uploaded_by, batch.region_code, batch.allow_partial, batch.id),
      (phase, detail) => {
        if (Date.now() - lastWrite < 1000 && phase === 'loading') return;
        lastWrite = Date.now();
        void this.dataSource.query(`UPDATE disbursement_batches SET progress = $2 WHERE id = $1 AND status = 'importing'`, [batch.id, JSON.stringify({ phase, ...detail })]);
        void job.updateProgress({ phase, ...detail });
      },
    );
  }
}
