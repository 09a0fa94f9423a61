import { Rejections } from '@sunlight/ingestion';
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
    const rejected = await printRejections(app.get(Rejections), 'batch', id, io, 1_000_000);
    io.result({ batchId: Number(id), rejected });
    return EXIT_OK;
  },
};
