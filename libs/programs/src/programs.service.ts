import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@sunlight/common';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { readProgramCatalogue, type ProgramDefinition } from './program-catalogue.js';
import { ProgramVersions } from './program-versions.repository.js';

/**
 * The fund program catalogue. config/programs.json names the programs (code, name, frequency)
 * and seeds version 1 of their settings (cap, ages, means test, universal); after that the
 * settings are versions in program_versions, changed by drafts a second admin approves. The live
 * versions are copied into the programs table, where the rules' SQL joins them: at start-up, on
 * an approval effective at once, and at the start of each check run (versions whose day came).
 */
@Injectable()
export class ProgramsService implements OnModuleInit {
  private readonly logger = new Logger(ProgramsService.name);
  private catalogue: ProgramDefinition[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: ProgramVersions,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const file = readProgramCatalogue(this.config.configDir);
    // A new program is inserted with the file's settings; a known one takes only its name and
    // frequency from the file (its settings are its live version's).
    await this.dataSource.query(
      `INSERT INTO programs (code, name, frequency, cap_fen, means_tested, min_age, max_age, universal, updated_at)
       SELECT * , now() FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::boolean[], $6::smallint[], $7::smallint[], $8::boolean[])
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, frequency = EXCLUDED.frequency, updated_at = now()
       WHERE (programs.name, programs.frequency) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.frequency)`,
      [
        file.map((p) => p.code),
        file.map((p) => p.name),
        file.map((p) => p.frequency),
        file.map((p) => p.capFen.toString()),
        file.map((p) => p.meansTested),
        file.map((p) => p.minAge),
        file.map((p) => p.maxAge),
        file.map((p) => p.universal),
      ],
    );
    const seeded = await this.versions.seedFirstVersions(
      file.map((p) => ({ programCode: p.code, capFen: p.capFen.toString(), minAge: p.minAge, maxAge: p.maxAge, meansTested: p.meansTested, universal: p.universal })),
    );
    if (seeded) this.logger.log(`program versions: version 1 of ${seeded} program(s) from config/programs.json`);
    this.catalogue = file;
    await this.applyLive();
    this.logger.debug(`program catalogue: ${this.catalogue.map((p) => p.code).join(', ')}`);
  }

  /**
   * Copies the versions live at `at` (now by default) into the programs table and this service's
   * catalogue; answers the programs that changed.
   */
  async applyLive(at: Date = this.clock.now()): Promise<string[]> {
    const changed = await this.versions.applyLive(at);
    this.catalogue = await this.live(at);
    if (changed.length) this.logger.log(`program versions live: ${changed.join(', ')}`);
    return changed;
  }

  /** The programs as their versions live at `at` set them, with their version numbers (reads only). */
  async live(at: Date = this.clock.now()): Promise<(ProgramDefinition & { version: number | null })[]> {
    const live = new Map((await this.versions.liveAt(at)).map((v) => [v.programCode, v]));
    return this.catalogue.map((p) => {
      const v = live.get(p.code);
      return v ? { ...p, version: v.version, capFen: BigInt(v.capFen), minAge: v.minAge, maxAge: v.maxAge, meansTested: v.meansTested, universal: v.universal } : { ...p, version: null };
    });
  }

  /** The programs as this process last applied their live versions. */
  all(): ProgramDefinition[] {
    return this.catalogue;
  }

  get(code: string): ProgramDefinition | undefined {
    return this.catalogue.find((p) => p.code === code);
  }
}
