import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CloseLead } from './close-lead.usecase.js';
import { ENTITIES } from './entities/index.js';
import { ExportLeads } from './export-leads.usecase.js';
import { ListLeads } from './list-leads.usecase.js';
import { GetLead } from './get-lead.usecase.js';

@Module({
  imports: [TypeOrmModule.forFeature(ENTITIES)],
  providers: [ExportLeads, CloseLead, ListLeads, GetLead],
  exports: [ExportLeads, CloseLead, ListLeads, GetLead],
})
export class LeadsModule {}
