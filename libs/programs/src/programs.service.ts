import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { readProgramCatalogue, type ProgramDefinition } from './program-catalogue.js';

/**
 * The fund program catalogue. config/programs.json is the source: it is written to the
 * programs table at start-up, where the rules' SQL joins it (caps, ages, means testing).
 */
@Injectable()
export class ProgramsService implements OnModuleInit {
  private readonly logger = new Logger(ProgramsService.name);
  private catalogue: ProgramDefinition[] = [];

  constructor(
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.catalogue = readProgramCatalogue(this.config.configDir);
    await this.dataSource.query(
      `INSERT INTO programs (code, name, frequency, cap_fen, means_tested, min_age, max_age, universal, updated_at)
       SELECT * , now() FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::boolean[], $6::smallint[], $7::smallint[], $8::boolean[])
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, frequency = EXCLUDED.frequency, cap_fen = EXCLUDED.cap_fen,
         means_tested = EXCLUDED.means_tested, min_age = EXCLUDED.min_age, max_age = EXCLUDED.max_age, universal = EXCLUDED.universal, updated_at = now()
       WHERE (programs.name, programs.frequency, programs.cap_fen, programs.means_tested, programs.min_age, programs.max_age, programs.universal)
         IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.frequency, EXCLUDED.cap_fen, EXCLUDED.means_tested, EXCLUDED.min_age, EXCLUDED.max_age, EXCLUDED.universal)`,
      [
        this.catalogue.map((p) => p.code),
        this.catalogue.map((p) => p.name),
        this.catalogue.map((p) => p.frequency),
        this.catalogue.map((p) => p.capFen.toString()),
        this.catalogue.map((p) => p.meansTested),
        this.catalogue.map((p) => p.minAge),
        this.catalogue.map((p) => p.maxAge),
        this.catalogue.map((p) => p.universal),
      ],
    );
    this.logger.debug(`program catalogue: ${this.catalogue.map((p) => p.code).join(', ')}`);
  }

  all(): ProgramDefinition[] {
    return this.catalogue;
  }

  get(code: string): ProgramDefinition | undefined {
    return this.catalogue.find((p) => p.code === code);
  }
}
