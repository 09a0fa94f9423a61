import { ConflictError } from '@sunlight/common';
import { CloseLead, CloseLeadCommand, OUTCOME_LABELS, type LeadOutcome } from '@sunlight/leads';
import { EXIT_OK, EXIT_REJECTED, cliSettings, type CliCommand } from '../command.js';

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
    const outcome = args.options.as as LeadOutcome;
    try {
      const result = await app.get(CloseLead).execute(new CloseLeadCommand(id, outcome, cliSettings(app).operator, (args.options.reason as string | undefined) ?? null));
      io.say(`线索 ${result.id} 已销号 (${OUTCOME_LABELS[result.outcome]})`);
      io.result({ id: Number(result.id), status: result.status, outcome: result.outcome });
      return EXIT_OK;
    } catch (err) {
      // A close the lifecycle refuses is rejected input for the script that asked (exit 2).
      if (!(err instanceof ConflictError)) throw err;
      io.say(`sunlight: ${err.message}`);
      return EXIT_REJECTED;
    }
  },
};
