import { FROM_THE_START, type Rejections } from '@sunlight/ingestion';
import type { CliIo } from '../command.js';

/**
 * Lists the rejected rows of an import on stderr (row, column, value, what was expected), at
 * most `limit` file rows, through ingestion's own pages; answers how many rows were rejected.
 */
export async function printRejections(rejections: Rejections, source: 'batch' | 'registry', importId: string, io: CliIo, limit = 50): Promise<number> {
  let after = FROM_THE_START; // row 0 included: a problem of the whole file
  let shown = 0;
  let total = 0;
  while (shown < limit) {
    const page = await rejections.page(source, importId, after, Math.min(1000, limit - shown));
    total = page.total;
    if (!page.items.length) break;
    for (const r of page.items) {
      if (r.row === 0) io.say(`  ${r.reason}`); // a problem of the whole file, which names its place
      else io.say(`  第 ${r.row} 行${r.column ? ` ${r.column}` : ''}${r.value !== null ? ` "${r.value}"` : ''}: ${r.reason}`);
    }
    shown += new Set(page.items.map((r) => r.row)).size;
    after = page.items[page.items.length - 1].row;
  }
  if (total > shown) io.say(`  … 更多见 npm run cli -- ${source} rejections ${importId}`);
  return total;
}
