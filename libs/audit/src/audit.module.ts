import { Global, Module } from '@nestjs/common';
import { auditKeyProvider } from './audit-key.js';
import { AuditLog } from './audit-log.js';
import { AuditCheckpoints } from './checkpoints.js';

@Global()
@Module({ providers: [auditKeyProvider, AuditCheckpoints, AuditLog], exports: [AuditLog] })
export class AuditModule {}
