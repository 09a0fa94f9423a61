import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { DEMO_ACCOUNTS, DemoAccounts } from '@sunlight/accounts';
import { AppMetaService, DATABASE_ENDPOINT, type DatabaseEndpoint } from '@sunlight/database';
import { ImportBatch, ImportBatchCommand, ImportRegistry, ImportRegistryCommand, REGISTRY_KINDS } from '@sunlight/ingestion';
import { Population, type PopulationOptions } from '@sunlight/generator';
import { RequestChecks, RequestChecksCommand } from '@sunlight/rules';

/** Small enough to load in seconds, with every rule's anomalies and look-alikes planted once. */
const DEMO_POPULATION: PopulationOptions = {
  seed: 20240601,
  recipients: 300,
  months: ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06'],
  counties: 3,
  townshipsPerCounty: 4,
  countyCodes: ['421087', '131121', '421081'], // 松滋市, 枣强县, 石首市: the demo accounts' counties
  plantedCopies: 1,
  registrySizes: { deceased: 200, 'public-employees': 200, 'village-officials': 50, 'household-members': 1000, vehicles: 100, businesses: 100 },
};

/**
 * On the first start of an empty embedded database, imports the bundled sample files
 * (config/demo) and a small generated population with an anomaly of every rule planted in it
 * (their batches, then their registries), then queues a full check, so that a newcomer sees leads of every kind at once.
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
    private readonly accounts: DemoAccounts,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demo || (await this.meta.get('demo'))) return;
    await this.accounts.ensure();
    const generated = path.join(this.config.dataDir, 'demo');
    await new Population(DEMO_POPULATION).write(generated);
    const registries: string[] = [];
    const batches: string[] = [];
    const dirs = [path.join(this.config.configDir, 'demo'), generated];
    // Every batch before any registry: each registry import queues a full check, which the
    // in-process worker may run at once, and a check judging absences (R13) over half the
    // months' batches would raise leads the other half then withdraws.
    for (const dir of dirs) {
      for (const file of readdirSync(dir).filter((f) => f.startsWith('batch-') && f.endsWith('.csv')).sort()) {
        // A county's file is its demo uploader's (松滋's is songzi.caizheng's: the leads raised from it are "my leads").
        const uploader = DEMO_ACCOUNTS.find((a) => a.role === 'uploader' && file.startsWith(`batch-${a.regionCode}-`));
        const result = await this.importBatch.execute(new ImportBatchCommand(path.join(dir, file), file, uploader?.username ?? 'demo', uploader?.regionCode ?? '', false));
        batches.push(`${file} ${result.accepted}`);
      }
    }
    for (const dir of dirs) {
      for (const kind of REGISTRY_KINDS) {
        const file = path.join(dir, `${kind}.csv`);
        if (!existsSync(file)) continue;
        const result = await this.importRegistry.execute(new ImportRegistryCommand(kind, file, `${kind}.csv`, 'demo', false, false));
        registries.push(`${kind} ${result.accepted}`);
      }
    }
    const files = batches;
    const runId = await this.requestChecks.execute(new RequestChecksCommand('all', 'demo', 'demo'));
    await this.meta.set('demo', { loadedAt: new Date().toISOString(), files, runId, database: this.database.description });
    this.logger.log(`demo data loaded: registries ${registries.join(', ')}; batches ${batches.join('; ')}; checks queued (run ${runId})`);
  }
}
