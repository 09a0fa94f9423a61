import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

type Listener<T> = (event: T) => Promise<void> | void;
/** Runs inside the transaction that stores the data; its failure undoes the storing. */
type TransactionListener<T> = (em: EntityManager, event: T) => Promise<void>;

/**
 * What ingestion announces to the rest of this process. The rules lib listens (it queues the
 * cross-checks); ingestion itself depends on no other capability.
 */
@Injectable()
export class IngestionEvents {
  private readonly logger = new Logger(IngestionEvents.name);
  private readonly batchStored: TransactionListener<{ batchId: string; uploadedBy: string }>[] = [];
  private readonly registryImported: Listener<{ importId: string; kind: string; importedBy: string }>[] = [];

  /** Called in the transaction that stores a batch (what it records commits with the batch). */
  onBatchStored(listener: TransactionListener<{ batchId: string; uploadedBy: string }>): void {
    this.batchStored.push(listener);
  }

  onRegistryImported(listener: Listener<{ importId: string; kind: string; importedBy: string }>): void {
    this.registryImported.push(listener);
  }

  async batchStoredInTransaction(em: EntityManager, event: { batchId: string; uploadedBy: string }): Promise<void> {
    for (const listener of this.batchStored) await listener(em, event);
  }

  async emitRegistryImported(event: { importId: string; kind: string; importedBy: string }): Promise<void> {
    await this.emit(this.registryImported, event, 'registryImported');
  }

  /** A listener's failure is logged, not thrown: the data is stored whatever happens next. */
  private async emit<T>(listeners: Listener<T>[], event: T, name: string): Promise<void> {
    for (const listener of listeners) {
      try {
        await listener(event);
      } catch (err) {
        this.logger.error({ err: (err as Error).message, event: name }, 'listener failed');
      }
    }
  }
}
