import { Module } from '@nestjs/common';
import { ProgramsModule } from '@sunlight/programs';
import { FileImport } from './file-import.js';
import { ImportBatch } from './import-batch.usecase.js';
import { FoldBatchPartition, RequestBatchFolds, SettleBatches } from './fold-batch-partition.usecase.js';
import { OfficialConnections } from './official-connections.js';
import { ImportProcessor } from './import.processor.js';
import { ImportRegistry } from './import-registry.usecase.js';
import { SubmitUpload } from './submit-upload.usecase.js';
import { Rejections } from './rejections.usecase.js';
import { GetImport } from './get-import.usecase.js';
import { BatchStorage } from './batch-storage.js';
import { IngestionEvents } from './ingestion-events.js';
import { IngestionJanitor } from './ingestion-janitor.js';
import { ListBatches } from './list-batches.usecase.js';
import { StagingArea } from './staging.js';
import { TotalRowFinder } from './total-row.js';
import { BatchRepository } from './batch-repository.js';
import { FastCopyStorage } from './fast-storage.js';
import { DetailedStorage } from './detailed-storage.js';

@Module({
  imports: [ProgramsModule],
  providers: [OfficialConnections, StagingArea, FileImport, TotalRowFinder, BatchRepository, FastCopyStorage, DetailedStorage, BatchStorage, IngestionJanitor, ImportBatch, ImportRegistry, ImportProcessor, SubmitUpload, Rejections, GetImport, IngestionEvents, ListBatches, FoldBatchPartition, RequestBatchFolds, SettleBatches],
  exports: [FoldBatchPartition, RequestBatchFolds, SettleBatches, ImportBatch, ImportRegistry, SubmitUpload, Rejections, GetImport, IngestionEvents, ListBatches],
})
export class IngestionModule {}
