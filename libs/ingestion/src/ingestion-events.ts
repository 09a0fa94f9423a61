import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Runs inside the transaction that stores the data: what it records commits with the data, and its failure undoes the storing. */
type TransactionListener<T> = (em: EntityManager, event: T) => Promise<void>;

export interface BatchStored {
  batchId: string;
  uploadedBy: string;
}

export interface RegistryImported {
  importId: string;
  kind: string;
  importedBy: string;
}

/**
 * What ingestion announces to the rest of this process. The rules lib listens (it records the
 * cross-checks to run, through the job outbox); ingestion itself depends on no other capability.
 */
@Injectable()
export class IngestionEvents {
  private readonly batchStored: TransactionListener<BatchStored>[] = [];
  private readonly registryImported: TransactionListener<RegistryImported>[] = [];

  onBatchStored(listener: TransactionListener<BatchStored>): void {
    this.batchStored.push(listener);
  }

  onRegistryImported(listener: TransactionListener<RegistryImported>): void {
    this.registryImported.push(listener);
  }

  async batchStoredInTransaction(em: EntityManager, event: BatchStored): Promise<void> {
    for (const listener of this.batchStored) await listener(em, event);
  }

  async registryImportedInTransaction(em: EntityManager, event: RegistryImported): Promise<void> {
    for (const listener of this.registryImported) await listener(em, event);
  }
}
