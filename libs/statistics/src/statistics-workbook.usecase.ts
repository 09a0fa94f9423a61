import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type ExcelJS from 'exceljs';
import { ActorContext, Clock, shanghaiDateTime } from '@sunlight/common';
import { DISPOSALS, LeadStatistics, LeadStatisticsCommand, STATUS_LABELS, type LeadStatus } from '@sunlight/leads';
import { Dashboard, DashboardCommand, type DashboardView } from './dashboard.usecase.js';
import type { Figures } from './figures.js';

export class StatisticsWorkbookCommand {
  constructor(
    readonly regionCode: string | null,
    readonly from: string | null,
    readonly to: string | null,
  ) {}
}

export interface StatisticsWorkbookFile {
  /** 荆州市问题线索统计_2026-01-01_2026-12-31.xlsx */
  filename: string;
  /** Streams the workbook into `out` (ending it). */
  write(out: Writable): Promise<void>;
}

/** A column of figures: its header and how a row of figures fills it. */
interface FigureColumn {
  header: string;
  width: number;
  value: (f: Figures) => number | null;
  format?: string;
}

const MONEY = '#,##0.00';
const yuan = (fen: string) => Number(fen) / 100;
const FIGURE_COLUMNS: FigureColumn[] = [
  { header: '发现线索', width: 10, value: (f) => f.raised },
  { header: '已核查', width: 9, value: (f) => f.verified },
  { header: '查实', width: 8, value: (f) => f.confirmed },
  { header: '查否', width: 8, value: (f) => f.dismissed },
  { header: '已整改', width: 9, value: (f) => f.rectified },
  { header: '整改率', width: 9, value: (f) => f.rectificationRate, format: '0.0%' },
  { header: '涉及金额（元）', width: 16, value: (f) => yuan(f.amountAtRiskFen), format: MONEY },
  { header: '查实金额（元）', width: 16, value: (f) => yuan(f.amountConfirmedFen), format: MONEY },
  { header: '追回金额（元）', width: 16, value: (f) => yuan(f.amountRecoveredFen), format: MONEY },
  { header: '蓝牌', width: 7, value: (f) => f.overdue.blue },
  { header: '黄牌', width: 7, value: (f) => f.overdue.yellow },
  { header: '红牌', width: 7, value: (f) => f.overdue.red },
];

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
const THIN: Partial<ExcelJS.Borders> = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };

/**
 * The statistics of a region and period as an Excel workbook, written as a stream (exceljs'
 * streaming writer): per child region with the total, per rule, per month, per disposal and
 * status. Chinese headers; money in yuan as numbers formatted #,##0.00; rates as percentages.
 * The figures are the dashboard's (the same leads), computed before anything is written, so a
 * bad question fails before the download starts.
 */
@Injectable()
export class StatisticsWorkbook {
  constructor(
    private readonly dashboard: Dashboard,
    private readonly statistics: LeadStatistics,
    private readonly clock: Clock,
  ) {}

  async execute(command: StatisticsWorkbookCommand): Promise<StatisticsWorkbookFile> {
    const view = await this.dashboard.execute(new DashboardCommand(command.regionCode, command.from, command.to));
    const figures = await this.statistics.execute(new LeadStatisticsCommand(view.region.code || null, view.from, view.to));
    const exportedAt = shanghaiDateTime(this.clock.now());
    const exportedBy = ActorContext.current().username;
    return {
      filename: `${view.region.name}问题线索统计_${view.from}_${view.to}.xlsx`,
      write: (out) => writeWorkbook(out, view, figures.disposals, figures.byStatus, `导出时间 ${exportedAt}，导出人 ${exportedBy}；口径：期间内发现的线索，预警牌为未办结线索当前所持`),
    };
  }
}

async function writeWorkbook(out: Writable, view: DashboardView, disposals: Record<string, number>, byStatus: Record<string, number>, note: string): Promise<void> {
  // (Loaded on the first export: exceljs and its zip stack are a third of a process's modules.)
  const { default: excel } = await import('exceljs');
  const wb = new excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = '阳光监管';
  const title = `${view.region.name} 问题线索统计（${view.from} 至 ${view.to}）`;

  const figureSheet = (name: string, keyColumns: { header: string; width: number }[], rows: { keys: (string | null)[]; figures: Figures }[], total: Figures | null) => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 3 }] });
    const columns = [...keyColumns, ...FIGURE_COLUMNS];
    ws.columns = columns.map((c) => ({ width: c.width }));
    ws.mergeCells(1, 1, 1, columns.length);
    ws.mergeCells(2, 1, 2, columns.length);
    const titleRow = ws.getRow(1);
    titleRow.getCell(1).value = title;
    titleRow.getCell(1).font = { bold: true, size: 14 };
    titleRow.commit();
    const noteRow = ws.getRow(2);
    noteRow.getCell(1).value = note;
    noteRow.getCell(1).font = { size: 9, color: { argb: 'FF666666' } };
    noteRow.commit();
    const header = ws.addRow(columns.map((c) => c.header));
    header.eachCell((cell) => Object.assign(cell, { font: { bold: true }, fill: HEADER_FILL, border: THIN, alignment: { horizontal: 'center', vertical: 'middle', wrapText: true } }));
    header.commit();
    const add = (keys: (string | null)[], f: Figures, bold = false) => {
      const row = ws.addRow([...keys, ...FIGURE_COLUMNS.map((c) => c.value(f))]);
      FIGURE_COLUMNS.forEach((c, i) => {
        const cell = row.getCell(keyColumns.length + i + 1);
        if (c.format) cell.numFmt = c.format;
      });
      row.eachCell({ includeEmpty: true }, (cell) => {
        cell.border = THIN;
        if (bold) cell.font = { bold: true };
      });
      row.commit();
    };
    for (const r of rows) add(r.keys, r.figures);
    if (total) add(['合计', ...keyColumns.slice(1).map(() => null)], total, true);
    ws.commit();
  };

  figureSheet('按地区', [{ header: '地区', width: 22 }, { header: '区划代码', width: 12 }], view.rows.map((r) => ({ keys: [r.name, r.code], figures: r })), view.totals);
  figureSheet('按规则', [{ header: '规则', width: 8 }, { header: '规则名称', width: 22 }], view.byRule.map((r) => ({ keys: [r.rule, r.name], figures: r })), view.totals);
  figureSheet('按月份', [{ header: '发现月份', width: 12 }], view.byMonth.map((m) => ({ keys: [m.month], figures: m })), view.totals);

  const counts = wb.addWorksheet('处置与状态');
  counts.columns = [{ width: 22 }, { width: 12 }];
  const pairs = (heading: [string, string], entries: [string, number][]) => {
    const h = counts.addRow(heading);
    h.eachCell((cell) => Object.assign(cell, { font: { bold: true }, fill: HEADER_FILL, border: THIN }));
    h.commit();
    for (const [k, v] of entries) {
      const row = counts.addRow([k, v]);
      row.eachCell((cell) => (cell.border = THIN));
      row.commit();
    }
  };
  const t = counts.addRow([title]);
  t.getCell(1).font = { bold: true, size: 14 };
  t.commit();
  counts.addRow([]).commit();
  pairs(['处置方式', '线索数'], DISPOSALS.map((d) => [d, disposals[d] ?? 0]));
  counts.addRow([]).commit();
  pairs(['当前状态', '线索数'], (Object.keys(STATUS_LABELS) as LeadStatus[]).map((s) => [STATUS_LABELS[s], byStatus[s] ?? 0]));
  counts.commit();
  await wb.commit();
}
