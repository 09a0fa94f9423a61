import { CARD_LABELS, SweepCards, SweepCardsCommand } from '@sunlight/leads';
import { EXIT_OK, type CliCommand } from '../command.js';

export const cardsSweep: CliCommand = {
  words: ['cards', 'sweep'],
  arguments: 0,
  usage: 'cards sweep [--today YYYY-MM-DD [--apply]]',
  summary: '立即执行预警牌扫描（每日 00:10 自动执行）；--today 模拟某一天，只显示将变化的预警牌，加 --apply 才写入 (sets the warning cards now)',
  options: {
    today: { type: 'string', help: '按这一天计算（默认今天，Asia/Shanghai）；只模拟，不写入' },
    apply: { type: 'boolean', help: '写入模拟日的预警牌（不带 --today 时总是写入）' },
  },
  async run(app, args, io) {
    const today = typeof args.options.today === 'string' ? args.options.today : undefined;
    const apply = args.options.apply === true ? true : undefined; // absent: the default (apply only the real today)
    const result = await app.get(SweepCards).execute(new SweepCardsCommand(today, apply));
    const counts = (['blue', 'yellow', 'red'] as const).map((card) => `${CARD_LABELS[card]} ${result.set[card]}`).join('，');
    io.say(result.applied ? `${result.today}：新亮${counts}` : `${result.today}（模拟，未写入）：将新亮${counts}；加 --apply 写入`);
    io.result(result);
    return EXIT_OK;
  },
};
