import type { CliCommand } from '../command.js';
import { batchImport } from './batch-import.command.js';
import { batchRejections } from './batch-rejections.command.js';
import { checksRun } from './checks-run.command.js';
import { dbMigrate } from './db-migrate.command.js';
import { generate } from './generate.command.js';
import { usersCreate, usersList, usersUnlock } from './users.command.js';
import { auditVerify } from './audit-verify.command.js';
import { cardsSweep } from './cards-sweep.command.js';
import { digestPreview, digestSend } from './digest.command.js';
import { leadsClose } from './leads-close.command.js';
import { leadsExport } from './leads-export.command.js';
import { registryImport, registryRejections } from './registry-import.command.js';
import { rulesApprove, rulesList, rulesPropose, rulesReject } from './rules.command.js';
import { rulesBacktest } from './rules-backtest.command.js';
import { programsApprove, programsPropose, programsReject } from './programs.command.js';

export const COMMANDS: CliCommand[] = [registryImport, registryRejections, batchImport, batchRejections, checksRun, rulesList, rulesPropose, rulesApprove, rulesReject, rulesBacktest, programsPropose, programsApprove, programsReject, leadsExport, leadsClose, cardsSweep, digestPreview, digestSend, usersCreate, usersList, usersUnlock, auditVerify, dbMigrate, generate];
