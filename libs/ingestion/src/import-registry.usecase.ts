import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InputError } from '@sunlight/common';
import { REGISTRIES, REGISTRY_KINDS, type ColumnSpec } from './columns.js';
import type { RegistryKind } from './types.js';
import { inspectFile, sha256File, unreadableFile } from './file-info.js';
import { FileImport, notRejected } from './file-import.js';
import { OfficialConnections } from './official-connections.js';
import { IngestionEvents } from './ingestion-events.js';
import type { ProgressFn } from './staging.js';
import { normalizedRowsSql } from './validation-sql.js';

export class ImportRegistryCommand {
  constructor(
    readonly kind: string,
    readonly file: string,
    readonly fileName: string,
    readonly importedBy: string,
    /** Replace the whole registry instead of merging by natural key. */
    readonly replace: boolean,
    readonly allowPartial: boolean,
    /** An existing pending import row (API uploads). */
    readonly importId?: string,
  ) {}
}

export interface ImportRegistryResult {
  importId: string | null;
  kind: string;
  status: 'stored' | 'rejected' | 'failed';
  accepted: number;
  rejected: number;
  error?: string;
}

/**
 * Loads a reference registry (CONTRACT §3.2): staged and validated like a batch, then merged by
 * natural key (a later row of the same key wins) or, with replace, swapped in whole, in one
 * transaction. Every import is recorded (who, when, file hash, counts): leads name the imports
 * their registry facts came from.
 */
@Injectable()
export class ImportRegistry {
  constructor(
    private readonly dataSource: DataSource,
    private readonly files: FileImport,
    private readonly events: IngestionEvents,
    private readonly officialConnections: OfficialConnections,
  ) {}

  async execute(command: ImportRegistryCommand, progress?: ProgressFn): Promise<ImportRegistryResult> {
    const spec = REGISTRIES[command.kind as RegistryKind];
    if (!spec) {
      throw new InputError(`未知的比对库 "${command.kind}"，应为 ${REGISTRY_KINDS.join('、')} 之一 (unknown registry kind)`, { expected: REGISTRY_KINDS.join(', ') });
    }
    progress?.('hashing');
    const sha = await sha256File(command.file).catch(() => {
      throw unreadableFile(command.fileName);
    });
    const importId = command.importId ?? (await this.createImport(command, sha));
    await this.dataSource.query(`UPDATE registry_imports SET status = 'importing', file_sha256 = $2 WHERE id = $1`, [importId, sha]);
    const table = `stg_registry_${BigInt(importId)}`;
    try {
      const staged = await this.files.stage(await inspectFile(command.file, command.fileName), spec.columns, table, progress);
      progress?.('validating', { rows: staged.rows });
      const result = await this.dataSource.transaction(async (em) => {
        const rejected = await this.files.recordRejections(em, 'registry', importId, staged, spec.columns, { scope: '', programCodes: [] });
        const accepted = staged.rows - rejected;
        if (rejected > 0 && !command.allowPartial) {
          await this.finish(importId, 'rejected', 0, rejected, null, em, staged.rows);
          return { importId, kind: spec.kind, status: 'rejected' as const, accepted: 0, rejected };
        }
        if (command.replace) await em.query(`DELETE FROM ${spec.table}`);
        const columns = spec.columns.map((c) => c.name);
        const nonKey = columns.filter((c) => !spec.key.includes(c));
        await em.query(
          `INSERT INTO ${spec.table} (${columns.join(', ')}, import_id)
           SELECT DISTINCT ON (${spec.key.map((k) => `n.${k}`).join(', ')}) ${spec.columns.map(cast).join(', ')}, ${BigInt(importId)}
           FROM (${normalizedRowsSql(staged.table, spec.columns, staged.header)}) n
           ${rejected > 0 ? `WHERE ${notRejected('registry', `${BigInt(importId)}`, 'n')}` : ''}
           ORDER BY ${spec.key.map((k) => `n.${k}`).join(', ')}, n.row_no DESC
           ON CONFLICT (${spec.key.join(', ')}) DO UPDATE SET ${[...nonKey, 'import_id'].map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`,
        );
        if (OfficialConnections.derivesFrom(spec.kind)) await this.officialConnections.update(em);
        await this.finish(importId, 'stored', accepted, rejected, null, em);
        await this.events.registryImportedInTransaction(em, { importId, kind: spec.kind, importedBy: command.importedBy });
        return { importId, kind: spec.kind, status: 'stored' as const, accepted, rejected };
      });
      // Through the owner (migration AppRole): ANALYZE wants the table's owner, not the app's role.
      if (result.status === 'stored') {
        const written = OfficialConnections.derivesFrom(spec.kind) ? [spec.table, OfficialConnections.TABLE] : [spec.table];
        for (const table of written) await this.dataSource.query(`SELECT sunlight_analyze($1::regclass)`, [table]);
      }
      return result;
    } catch (err) {
      if (err instanceof InputError) {
        await this.dataSource.transaction((em) => this.files.recordFileProblem(em, 'registry', importId, err));
        await this.finish(importId, 'rejected', 0, 0, err.message);
        return { importId, kind: spec.kind, status: 'rejected', accepted: 0, rejected: 0, error: err.message };
      }
      await this.finish(importId, 'failed', 0, 0, (err as Error).message).catch(() => undefined);
      throw err;
    } finally {
      await this.files.drop(table).catch(() => undefined);
    }
  }

  private async createImport(command: ImportRegistryCommand, sha: string): Promise<string> {
    const [row] = await this.dataSource.query(
      `INSERT INTO registry_imports (kind, file_sha256, file_name, replace, imported_by, allow_partial, status) VALUES ($1, $2, $3, $4, $5, $6, 'importing') RETURNING id::text`,
      [command.kind, sha, command.fileName, command.replace, command.importedBy, command.allowPartial],
    );
    return row.id;
  }

  /** `total` is every row read: a rejected import accepts none, so it is not accepted + rejected. */
  private async finish(importId: string, status: string, accepted: number, rejected: number, error: string | null, em = this.dataSource.manager, total = accepted + rejected): Promise<void> {
    await em.query(
      `UPDATE registry_imports SET status = $2, accepted_rows = $3, rejected_rows = $4, total_rows = $5, error = $6, finished_at = now() WHERE id = $1`,
      [importId, status, accepted, rejected, total, error],
    );
  }
}

/** A validated, normalized cell in its column's type. */
function cast(spec: ColumnSpec): string {
  return spec.type === 'date' ? `n.${spec.name}::date` : `n.${spec.name}`;
}
