import { Module } from '@nestjs/common';
import { DecideProgramChange, ListProgramChanges, ProposeProgramChange } from './program-changes.usecases.js';
import { ProgramVersions } from './program-versions.repository.js';
import { ProgramsService } from './programs.service.js';

@Module({
  providers: [ProgramVersions, ProgramsService, ProposeProgramChange, DecideProgramChange, ListProgramChanges],
  exports: [ProgramsService, ProposeProgramChange, DecideProgramChange, ListProgramChanges],
})
export class ProgramsModule {}
