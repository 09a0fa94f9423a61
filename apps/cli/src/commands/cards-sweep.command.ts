import { SweepCards, SweepCardsCommand } from '@sunlight/leads';
import { EXIT_OK, type CliCommand } from '../command.js';

export const cardsSweep: CliCommand = {
  words: ['cards', 'sweep'],
  arguments: 0,
  usage: 'cards sweep [--today YYYY-MM-DD]',
  summary: '立即执行预警牌扫描（每日 00:10 自动执行）；--today 模拟某一天 (sets the warning cards now)',
  options: { today: { type: 'string', help: '按这一天计算（默认今天，Asia/Shanghai）' } },
  async run(app, args, io) {
    const today = typeof args.options.today === 'string' ? args.options.today : undefined;
    const result = await app.get(SweepCards).execute(new SweepCardsCommand(today));
    io.say(`${result.today}：新亮蓝牌 ${result.set.blue}，黄牌 ${result.set.yellow}，红牌 ${result.set.red}`);
    io.result(result);
    return EXIT_OK;
  },
};
