import { Module } from '@nestjs/common';
import { FindRegions } from './find-regions.usecase.js';
import { RegionsService } from './regions.service.js';

@Module({
  providers: [RegionsService, FindRegions],
  exports: [RegionsService, FindRegions],
})
export class RegionsModule {}
