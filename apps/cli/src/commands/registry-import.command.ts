import path from 'node:path';
import { ImportRegistry, ImportRegistryCommand, REGISTRY_KINDS, Rejections } from '@sunlight/ingestion';
import { EXIT_OK, EXIT_REJECTED, cliSettings, type CliCommand } from '../command.js';
import { progressPrinter } from './progress.js';
import { printRejections } from './rejections.js';

export const registryImport: CliCommand = {
  words: ['registry', 'import'],
  arguments: 2,
  usage: `registry import KIND FILE [--replace] [--allow-partial]`,
  summary: `导入比对库，按自然键合并或整体替换；KIND: ${REGISTRY_KINDS.join(', ')}`,
  options: {
    replace: { type: 'boolean', help: '整体替换该比对库 (replace the registry)' },
    'allow-partial': { type: 'boolean', help: '只导入合格的行 (store the valid rows)' },
    user: { type: 'string', help: '导入人 (who imports)' },
  },
  async run(app, args, io) {
    const [kind, file] = args.positionals;
    io.say(`导入比对库 ${kind}: ${path.basename(file)} …`);
    const result = await app.get(ImportRegistry).execute(
      new ImportRegistryCommand(kind, path.resolve(file), path.basename(file), String(args.options.user ?? cliSettings(app).operator), args.options.replace === true, args.options['allow-partial'] === true),
      progressPrinter(io),
    );
    if (result.rejected || result.error) await printRejections(app.get(Rejections), 'registry', result.importId!, io);
    io.say(result.status === 'stored' ? `已导入 ${result.accepted} 行${result.rejected ? `，拒收 ${result.rejected} 行` : ''} (import ${result.importId})` : '整批拒收，比对库未改变 (rejected; the registry is unchanged)');
    io.result({ kind: result.kind, accepted: result.accepted, rejected: result.rejected, importId: Number(result.importId), status: result.status });
    return result.status === 'stored' ? EXIT_OK : EXIT_REJECTED;
  },
};

export const registryRejections: CliCommand = {
  words: ['registry', 'rejections'],
  arguments: 1,
  usage: 'registry rejections IMPORT_ID',
  summary: '列出比对库导入中被拒收的行 (lists the rejected rows of a registry import)',
  options: {},
  async run(app, args, io) {
    const [id] = args.positionals;
    if (!/^\d+$/.test(id)) throw new Error(`IMPORT_ID must be a number (got "${id}")`);
    await printRejections(app.get(Rejections), 'registry', id, io, 1_000_000);
    io.result({ importId: Number(id) });
    return EXIT_OK;
  },
};
