import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InputError } from '@sunlight/common';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { normalizeRegionCode } from '@sunlight/regions';
import { InjectQueue, JobName, QueueName, type TypedQueue } from '@sunlight/queue';
import { REGISTRIES, REGISTRY_KINDS } from './columns.js';
import type { RegistryKind } from './types.js';
import { detectFormat, sha256File } from './file-info.js';
import { discardUpload } from './uploads.js';

export class SubmitBatchUploadCommand {
  constructor(
    readonly filePath: string,
    readonly fileName: string,
    readonly uploadedBy: string,
    /** The uploader's own region: the batch stays inside it. */
    readonly uploaderScope: string,
    /** A narrower region the uploader names for the batch; '' for its own. */
    readonly requestedRegion: string,
    readonly allowPartial: boolean,
  ) {}
}

export class SubmitRegistryUploadCommand {
  constructor(
    readonly kind: string,
    readonly filePath: string,
    readonly fileName: string,
    readonly importedBy: string,
    readonly replace: boolean,
    readonly allowPartial: boolean,
  ) {}
}

/**
 * An upload is answered at once: the file is on disk, a pending row names it, a job will import
 * it; progress is read from the row. The same bytes as a stored batch answer with that batch.
 * An upload refused here (a region outside the uploader's, an empty or .xls file, the same bytes
 * again) leaves no file behind in the uploads directory.
 */
@Injectable()
export class SubmitUpload {
  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Ingestion) private readonly ingestion: TypedQueue<QueueName.Ingestion>,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async batch(command: SubmitBatchUploadCommand): Promise<{ batchId: string; status: 'pending' | 'stored'; duplicateOf: string | null }> {
    return this.orDiscard(command.filePath, () => this.submitBatch(command));
  }

  async registry(command: SubmitRegistryUploadCommand): Promise<{ importId: string; kind: RegistryKind; status: 'pending' }> {
    return this.orDiscard(command.filePath, () => this.submitRegistry(command));
  }

  private async orDiscard<T>(file: string, submit: () => Promise<T>): Promise<T> {
    try {
      return await submit();
    } catch (err) {
      await discardUpload(this.config.dataDir, file);
      throw err;
    }
  }

  private async submitBatch(command: SubmitBatchUploadCommand): Promise<{ batchId: string; status: 'pending' | 'stored'; duplicateOf: string | null }> {
    const scope = command.uploaderScope;
    const region = command.requestedRegion ? (normalizeRegionCode(command.requestedRegion) ?? command.requestedRegion) : scope;
    if (!region.startsWith(scope)) {
      throw new InputError(`区划 ${region} 不在本单位辖区 ${scope} 内，请留空或填写辖区内的区划 (outside your region)`, { column: 'region', value: region, expected: `${scope} 开头的区划代码` });
    }
    const format = await detectFormat(command.filePath, command.fileName);
    const sha = await sha256File(command.filePath);
    const [stored] = await this.dataSource.query(`SELECT id::text FROM disbursement_batches WHERE file_sha256 = $1 AND status = 'stored'`, [sha]);
    if (stored) {
      await discardUpload(this.config.dataDir, command.filePath);
      return { batchId: stored.id, status: 'stored', duplicateOf: stored.id };
    }
    const [row] = await this.dataSource.query(
      `INSERT INTO disbursement_batches (file_sha256, file_name, format, region_code, uploader_region, uploaded_by, allow_partial, status, file_path)
       VALUES ($1, $2, $3, $4, $4, $5, $6, 'pending', $7) RETURNING id::text`,
      [sha, command.fileName, format, region, command.uploadedBy, command.allowPartial, command.filePath],
    );
    await this.ingestion.add(JobName.ImportBatch, { batchId: row.id }, { jobId: `import-batch-${row.id}`, attempts: 3, backoff: { type: 'exponential', delay: 5000 } });
    return { batchId: row.id, status: 'pending', duplicateOf: null };
  }

  private async submitRegistry(command: SubmitRegistryUploadCommand): Promise<{ importId: string; kind: RegistryKind; status: 'pending' }> {
    if (!REGISTRIES[command.kind as RegistryKind]) {
      throw new InputError(`未知的比对库 "${command.kind}"，应为 ${REGISTRY_KINDS.join('、')} 之一 (unknown registry kind)`, { expected: REGISTRY_KINDS.join(', ') });
    }
    await detectFormat(command.filePath, command.fileName);
    const sha = await sha256File(command.filePath);
    const [row] = await this.dataSource.query(
      `INSERT INTO registry_imports (kind, file_sha256, file_name, replace, imported_by, allow_partial, status, file_path)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING id::text`,
      [command.kind, sha, command.fileName, command.replace, command.importedBy, command.allowPartial, command.filePath],
    );
    await this.ingestion.add(JobName.ImportRegistry, { importId: row.id }, { jobId: `import-registry-${row.id}`, attempts: 3, backoff: { type: 'exponential', delay: 5000 } });
    return { importId: row.id, kind: command.kind as RegistryKind, status: 'pending' };
  }
}
