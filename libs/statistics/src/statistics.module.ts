import { Module } from '@nestjs/common';
import { LeadsModule } from '@sunlight/leads';
import { RegionsModule } from '@sunlight/regions';
import { Dashboard } from './dashboard.usecase.js';
import { RegionTableQuery } from './region-table.usecase.js';
import { StatisticsWorkbook } from './statistics-workbook.usecase.js';

const USE_CASES = [RegionTableQuery, Dashboard, StatisticsWorkbook];

/** The supervisors' figures: dashboard, statistics table and workbook. Owns no table. */
@Module({
  imports: [LeadsModule, RegionsModule],
  providers: USE_CASES,
  exports: USE_CASES,
})
export class StatisticsModule {}
