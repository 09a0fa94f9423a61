import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProgramsModule } from '@sunlight/programs';
import { ENTITIES } from './entities/index.js';
import { FileImport } from './file-import.js';
import { ImportBatch } from './import-batch.usecase.js';
import { ImportBatchProcessor } from './import-batch.processor.js';
import { BatchStorage } from './batch-storage.js';
import { IngestionEvents } from './ingestion-events.js';
import { IngestionJanitor } from './ingestion-janitor.js';
import { ListBatches } from './list-batches.usecase.js';
import { StagingArea } from './staging.js';

@Module({
  imports: [TypeOrmModule.forFeature(ENTITIES), ProgramsModule],
  providers: [StagingArea, FileImport, BatchStorage, IngestionJanitor, ImportBatch, ImportBatchProcessor, IngestionEvents, ListBatches],
  exports: [ImportBatch, IngestionEvents, ListBatches],
})
export class IngestionModule {}
