import path from 'node:path';
import { ImportBatch, ImportBatchCommand, Rejections } from '@sunlight/ingestion';
import { EXIT_OK, EXIT_REJECTED, cliSettings, regionOption, type CliCommand } from '../command.js';
import { printRejections } from './rejections.js';
import { progressPrinter } from './progress.js';

export const batchImport: CliCommand = {
  words: ['batch', 'import'],
  arguments: 1,
  usage: 'batch import FILE [--allow-partial] [--region CODE] [--user NAME]',
  summary: '导入发放明细 (CSV 或 XLSX)；默认整批校验通过才入库 (imports a disbursement batch)',
  options: {
    'allow-partial': { type: 'boolean', help: '只入库合格的行，记录不合格的行 (store the valid rows)' },
    region: { type: 'string', help: '上传单位的行政区划，批次中的区划须在其内 (the uploader region)' },
    user: { type: 'string', help: '上传人 (who uploads; default: the system user)' },
  },
  async run(app, args, io) {
    const [file] = args.positionals;
    const region = regionOption(args);
    const command = new ImportBatchCommand(
      path.resolve(file),
      path.basename(file),
      String(args.options.user ?? cliSettings(app).operator),
      region,
      args.options['allow-partial'] === true,
    );
    io.say(`导入发放批次 ${command.fileName} …`);
    const result = await app.get(ImportBatch).execute(command, progressPrinter(io));
    if (result.duplicateOf) io.say(`该文件已于批次 ${result.duplicateOf} 导入，未重复入库 (same file as batch ${result.duplicateOf})`);
    else if (result.status === 'stored') io.say(`已入库 ${result.accepted} 行${result.rejected ? `，拒收 ${result.rejected} 行` : ''} (batch ${result.batchId})`);
    if (result.rejected || result.error) await printRejections(app.get(Rejections), 'batch', result.batchId, io);
    if (result.status === 'rejected') io.say(`整批拒收，未入库任何数据${result.error ? '' : '；改正后重新导入，或用 --allow-partial 只导入合格的行'} (batch rejected)`);
    io.result({ batchId: Number(result.batchId), status: result.status, accepted: result.accepted, rejected: result.rejected, duplicateOf: result.duplicateOf === null ? null : Number(result.duplicateOf) });
    return result.status === 'rejected' ? EXIT_REJECTED : EXIT_OK;
  },
};
