import type { DataSource } from 'typeorm';
import type { CliIo } from '../command.js';

/** Lists the rejected rows of an import on stderr: row, column, value, what was expected. */
export async function printRejections(db: DataSource, source: 'batch' | 'registry', importId: string, io: CliIo, limit = 50): Promise<void> {
  const rows: { row_no: number; column_name: string | null; value: string | null; reason: string }[] = await db.query(
    `SELECT row_no, column_name, value, reason FROM rejected_rows WHERE source = $1 AND import_id = $2 ORDER BY row_no, id LIMIT $3`,
    [source, importId, limit + 1],
  );
  for (const r of rows.slice(0, limit)) {
    if (r.row_no === 0) {
      io.say(`  ${r.reason}`); // a problem of the whole file, which names its place
      continue;
    }
    const column = r.column_name ? ` ${r.column_name}` : '';
    const value = r.value !== null ? ` "${r.value}"` : '';
    io.say(`  第 ${r.row_no} 行${column}${value}: ${r.reason}`);
  }
  if (rows.length > limit) io.say(`  … 更多见 npm run cli -- ${source} rejections ${importId}`);
}
