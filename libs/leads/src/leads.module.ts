import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CloseLead } from './close-lead.usecase.js';
import { ENTITIES } from './entities/index.js';
import { ExportLeads } from './export-leads.usecase.js';
import { ListLeads } from './list-leads.usecase.js';

@Module({
  imports: [TypeOrmModule.forFeature(ENTITIES)],
  providers: [ExportLeads, CloseLead, ListLeads],
  exports: [ExportLeads, CloseLead, ListLeads],
})
export class LeadsModule {}
