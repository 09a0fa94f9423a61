import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { InputError } from '@sunlight/common';
import { ExportLeads, ExportLeadsCommand } from '@sunlight/leads';
import { EXIT_OK, type CliCommand } from '../command.js';

export const leadsExport: CliCommand = {
  words: ['leads', 'export'],
  arguments: 0,
  usage: 'leads export --format jsonl [--out FILE]',
  summary: '导出全部线索，每行一个 JSON，身份证号和账号不打码 (every lead, one JSON object a line, unmasked)',
  options: {
    format: { type: 'string', help: 'jsonl' },
    out: { type: 'string', help: '写入文件而不是标准输出 (write to FILE instead of stdout)' },
  },
  async run(app, args, io) {
    const format = args.options.format ?? 'jsonl';
    if (format !== 'jsonl') throw new Error(`--format ${format}: only jsonl is supported`);
    const out = args.options.out ? await openForWriting(String(args.options.out)) : io.stdout;
    let count = 0;
    for await (const lead of app.get(ExportLeads).execute(new ExportLeadsCommand())) {
      if (!out.write(JSON.stringify(lead) + '\n')) await once(out, 'drain');
      count++;
    }
    if (out !== io.stdout) {
      (out as NodeJS.WritableStream).end();
      await once(out, 'finish');
      io.say(`已导出 ${count} 条线索到 ${args.options.out}`);
    } else {
      io.say(`已导出 ${count} 条线索`);
    }
    return EXIT_OK;
  },
};

/** The export's file, opened before any lead is read: a path that cannot be written is named at once. */
async function openForWriting(file: string): Promise<NodeJS.WritableStream> {
  const stream = createWriteStream(path.resolve(file));
  try {
    await once(stream, 'open');
  } catch (err) {
    throw new InputError(`--out ${file}: 无法写入 (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})，请确认目录存在且可写 (cannot write the file)`, { file });
  }
  return stream;
}
