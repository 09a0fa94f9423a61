import { CloseLead, CloseLeadCommand } from '@sunlight/leads';
import { EXIT_OK, cliSettings, type CliCommand } from '../command.js';

export const leadsClose: CliCommand = {
  words: ['leads', 'close'],
  arguments: 1,
  usage: 'leads close ID --as rectified|dismissed [--reason TEXT]',
  summary: '将线索以“已整改”或“查否”销号 (closes a lead as rectified or dismissed)',
  options: {
    as: { type: 'string', help: 'rectified (已整改) or dismissed (查否)' },
    reason: { type: 'string', help: '说明 (why)' },
  },
  async run(app, args, io) {
    const [id] = args.positionals;
    const outcome = args.options.as;
    if (outcome !== 'rectified' && outcome !== 'dismissed') throw new Error(`--as must be rectified or dismissed (got ${outcome === undefined ? 'nothing' : `"${outcome}"`})`);
    const result = await app.get(CloseLead).execute(new CloseLeadCommand(id, outcome, cliSettings(app).operator, (args.options.reason as string | undefined) ?? null));
    io.say(`线索 ${result.id} 已销号 (${outcome === 'rectified' ? '已整改' : '查否'})`);
    io.result({ id: Number(result.id), status: result.status, outcome: result.outcome });
    return EXIT_OK;
  },
};
