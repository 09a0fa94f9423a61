import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { formatYuan, yuanToFen } from '@sunlight/common';
import { BATCH_COLUMNS, type ColumnSpec } from './columns.js';
import type { StagedFile } from './file-import.js';
import { cleanCellSql, normalizedExpr, validCellSql } from './validation-sql.js';

/**
 * The total row finance staff close a sheet with (CONTRACT §3.1): a row whose first non-empty
 * cell is 合计, 总计 or 小计 ("合  计" too: people pad it to the column's width). Only the closing
 * row is a total row: it is not a payment, not stored, not counted, and its amount must equal
 * the sum of the rows above it. A total-like row anywhere else (a 小计 per village) is a
 * rejected row: checking subtotals would need to know what each one covers.
 */
export const TOTAL_LABELS = ['合计', '总计', '小计'] as const;
/** A label, spaces (also ideographic) allowed between its characters. */
const TOTAL_LABEL_SQL = `'^(${TOTAL_LABELS.map((l) => [...l].join('[\\s\u3000\u00a0]*')).join('|')})$'`;

const AMOUNT: ColumnSpec = BATCH_COLUMNS.find((c) => c.name === 'amount')!;

export interface TotalRow {
  /** The file's row number. */
  row: number;
  /** The label as written. */
  label: string;
  /** The amount cell as written (cleaned), and in fen when it is an amount in yuan. */
  shown: string | null;
  fen: bigint | null;
}

export interface TotalRows {
  /** The closing total row, if the file has one. */
  closing?: TotalRow;
  /** Total-like rows above the last row. */
  misplaced: TotalRow[];
}

export const MISPLACED_TOTAL_REASON =
  '合计/总计/小计行只能是表格的最后一行；表格中间的小计行不是发放记录，请删除后重新导出 (a total row must be the last row of the sheet)';

/** Finds the total rows of a staged batch and takes them out of its staging table. */
@Injectable()
export class TotalRowFinder {
  constructor(private readonly dataSource: DataSource) {}

  async extract(staged: StagedFile): Promise<TotalRows> {
    const width = staged.header.width;
    if (width === 0) return { misplaced: [] };
    const firstCell = `coalesce(${Array.from({ length: width }, (_, i) => cleanCellSql(`s.c${i + 1}`)).join(', ')})`;
    const amountPos = staged.header.positions.get(AMOUNT.name);
    const rows: { row_no: string; label: string; shown: string | null; amount: string | null; closing: boolean }[] = await this.dataSource.query(
      `SELECT t.row_no::text, t.label, t.shown, t.amount,
              NOT EXISTS (SELECT 1 FROM ${staged.table} s WHERE s.row_no > t.row_no AND ${firstCell} IS NOT NULL) AS closing
       FROM (SELECT s.row_no, ${firstCell} AS label,
                    ${amountPos === undefined ? 'NULL' : cleanCellSql(`s.c${amountPos + 1}`)} AS shown, ${normalizedExpr(AMOUNT, staged.header)} AS amount
             FROM ${staged.table} s) t
       WHERE t.label ~ ${TOTAL_LABEL_SQL}
       ORDER BY t.row_no`,
    );
    if (!rows.length) return { misplaced: [] };
    await this.dataSource.query(`DELETE FROM ${staged.table} WHERE row_no = ANY($1::bigint[])`, [rows.map((r) => r.row_no)]);
    const found = rows.map((r) => ({ row: Number(r.row_no) + 1, label: r.label, shown: r.shown, fen: r.amount === null ? null : yuanToFen(r.amount), closing: r.closing }));
    const closing = found.find((r) => r.closing);
    return { closing, misplaced: found.filter((r) => !r.closing) };
  }

  /** The sum in fen of the valid amounts left in the staging table: the rows above the total. */
  async sumFen(staged: StagedFile, em: EntityManager = this.dataSource.manager): Promise<bigint> {
    const amount = normalizedExpr(AMOUNT, staged.header);
    const [{ fen }] = await em.query(
      `SELECT coalesce(sum(a.v::numeric * 100), 0)::bigint::text AS fen
       FROM (SELECT ${amount} AS v FROM ${staged.table} s) a
       WHERE a.v IS NOT NULL AND ${validCellSql(AMOUNT, 'a.v', { scope: '', programCodes: [] })}`,
    );
    return BigInt(fen);
  }
}

/** What is wrong with a closing total row, worded for the uploader; undefined when it agrees. */
export function totalRowProblem(total: TotalRow, sumFen: bigint): string | undefined {
  if (total.fen === null) {
    return `${total.label}行的金额 "${total.shown ?? ''}" 不是以元为单位的金额，无法与明细核对 (the total row needs an amount in yuan, at most 2 decimals)`;
  }
  if (total.fen === sumFen) return undefined;
  return `${total.label}行金额 ${formatYuan(total.fen)} 元与明细合计 ${formatYuan(sumFen)} 元不符 (the total row says ${formatYuan(total.fen)} yuan, the rows above it add up to ${formatYuan(sumFen)} yuan)`;
}
