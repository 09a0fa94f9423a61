import { DynamicModule, Module } from '@nestjs/common';
import { AccountsModule } from '@sunlight/accounts';
import { AuditModule } from '@sunlight/audit';
import { IngestionModule } from '@sunlight/ingestion';
import { LeadsModule } from '@sunlight/leads';
import { DigestModule } from '@sunlight/digest';
import { ProgramsModule } from '@sunlight/programs';
import { RegionsModule } from '@sunlight/regions';
import { RulesModule } from '@sunlight/rules';
import { CoreModule, WorkerRunner, type Infrastructure } from '@sunlight/runtime';

/** The job processors alone (production: beside the API, on Redis). */
@Module({})
export class WorkerModule {
  static register(infra: Infrastructure): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.register(infra), AuditModule, AccountsModule, RegionsModule, ProgramsModule, IngestionModule, RulesModule, LeadsModule, DigestModule],
      providers: [WorkerRunner],
    };
  }
}
