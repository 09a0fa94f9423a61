import { DataSource } from 'typeorm';
import { EXIT_OK, type CliCommand } from '../command.js';
import { printRejections } from './rejections.js';

export const batchRejections: CliCommand = {
  words: ['batch', 'rejections'],
  arguments: 1,
  usage: 'batch rejections BATCH_ID',
  summary: '列出批次中被拒收的行 (lists the rejected rows of a batch)',
  options: {},
  async run(app, args, io) {
    const [id] = args.positionals;
    if (!/^\d+$/.test(id)) throw new Error(`BATCH_ID must be a number (got "${id}")`);
    await printRejections(app.get(DataSource), 'batch', id, io, 1_000_000);
    const [{ count }] = await app.get(DataSource).query(`SELECT count(DISTINCT row_no)::int AS count FROM rejected_rows WHERE source = 'batch' AND import_id = $1`, [id]);
    io.result({ batchId: Number(id), rejected: count });
    return EXIT_OK;
  },
};
