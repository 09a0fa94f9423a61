import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { AppMetaService, DATABASE_ENDPOINT, type DatabaseEndpoint } from '@sunlight/database';
import { ImportBatch, ImportBatchCommand, ImportRegistry, ImportRegistryCommand, REGISTRY_KINDS } from '@sunlight/ingestion';
import { RequestChecks, RequestChecksCommand } from '@sunlight/rules';

/**
 * On the first start of an empty embedded database, imports the bundled demo files
 * (config/demo) and queues a full check, so that a newcomer sees leads at once.
 */
@Injectable()
export class DemoLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger('Demo');

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @Inject(DATABASE_ENDPOINT) private readonly database: DatabaseEndpoint,
    private readonly meta: AppMetaService,
    private readonly importBatch: ImportBatch,
    private readonly importRegistry: ImportRegistry,
    private readonly requestChecks: RequestChecks,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demo || (await this.meta.get('demo'))) return;
    const dir = path.join(this.config.configDir, 'demo');
    const registries: string[] = [];
    for (const kind of REGISTRY_KINDS) {
      const file = path.join(dir, `${kind}.csv`);
      if (!existsSync(file)) continue;
      const result = await this.importRegistry.execute(new ImportRegistryCommand(kind, file, `${kind}.csv`, 'demo', false, false));
      registries.push(`${kind} ${result.accepted}`);
    }
    const files = readdirSync(dir).filter((f) => f.startsWith('batch-') && f.endsWith('.csv')).sort();
    const batches: string[] = [];
    for (const file of files) {
      const result = await this.importBatch.execute(new ImportBatchCommand(path.join(dir, file), file, 'demo', '', false));
      batches.push(`${file}: ${result.status} (${result.accepted} rows)`);
    }
    const runId = await this.requestChecks.execute(new RequestChecksCommand('all', 'demo', 'demo'));
    await this.meta.set('demo', { loadedAt: new Date().toISOString(), files, runId, database: this.database.description });
    this.logger.log(`demo data loaded: registries ${registries.join(', ')}; batches ${batches.join('; ')}; checks queued (run ${runId})`);
  }
}
