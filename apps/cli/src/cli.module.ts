import { DynamicModule, Module } from '@nestjs/common';
import { AccountsModule } from '@sunlight/accounts';
import { AuditModule } from '@sunlight/audit';
import { IngestionModule } from '@sunlight/ingestion';
import { LeadsModule } from '@sunlight/leads';
import { DigestModule } from '@sunlight/digest';
import { ProgramsModule } from '@sunlight/programs';
import { RegionsModule } from '@sunlight/regions';
import { RulesModule } from '@sunlight/rules';
import { CoreModule, type Infrastructure } from '@sunlight/runtime';

/** Everything the commands use. Workers start only when a command waits for a job nobody runs. */
@Module({})
export class CliModule {
  static register(infra: Infrastructure): DynamicModule {
    return {
      module: CliModule,
      imports: [CoreModule.register(infra, { logTo: 2 }), AuditModule, AccountsModule, RegionsModule, ProgramsModule, IngestionModule, RulesModule, LeadsModule, DigestModule],
    };
  }
}
