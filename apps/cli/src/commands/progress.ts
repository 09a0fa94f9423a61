import type { CliIo } from '../command.js';

const PHASES: Record<string, string> = {
  hashing: '计算文件摘要',
  loading: '读取',
  parsing: '逐行解析',
  validating: '校验',
};

/** Prints import progress on stderr, at most a line per phase step. */
export function progressPrinter(io: CliIo) {
  let last = '';
  return (phase: string, detail?: { rows?: number; percent?: number }) => {
    const text = `${PHASES[phase] ?? phase}${detail?.percent !== undefined ? ` ${detail.percent}%` : ''}${detail?.rows !== undefined ? ` ${detail.rows} 行` : ''}`;
    if (text !== last) io.say(`  ${text} …`);
    last = text;
  };
}
