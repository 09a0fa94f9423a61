import path from 'node:path';
import { Population } from '@sunlight/generator';
import { EXIT_OK, type CliCommand } from '../command.js';

export const generate: CliCommand = {
  words: ['generate'],
  arguments: 1,
  offline: true,
  usage: 'generate DIR [--seed N] [--recipients N] [--months N]',
  summary: '生成测试数据：比对库、发放批次、预期线索 (writes a seeded population with planted anomalies)',
  options: {
    seed: { type: 'string', help: 'seed (default 1)' },
    recipients: { type: 'string', help: 'background recipients (default 1000)' },
    months: { type: 'string', help: 'monthly periods of 2024 (default 6)' },
  },
  async run(_app, args, io) {
    const [dir] = args.positionals;
    const months = Math.min(Math.max(Number(args.options.months ?? 6), 3), 12);
    const population = new Population({
      seed: Number(args.options.seed ?? 1),
      recipients: Number(args.options.recipients ?? 1000),
      months: Array.from({ length: months }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`),
      counties: 5,
      townshipsPerCounty: 5,
      plantedCopies: 1,
      registrySizes: { deceased: 500, 'public-employees': 500, 'village-officials': 100, 'household-members': 3000, vehicles: 300, businesses: 300 },
    });
    const files = await population.write(path.resolve(dir));
    io.say(`已写入 ${Object.keys(files.registries).length} 个比对库、${files.batches.length} 个发放批次、expected-leads.json (${population.expected.length} 条预期线索) 与 cases.json`);
    io.result({ dir: path.resolve(dir), payments: population.paymentCount, expectedLeads: population.expected.length, batches: files.batches.map((f) => path.basename(f)) });
    return EXIT_OK;
  },
};
