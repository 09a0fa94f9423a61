import { InputError } from '@sunlight/common';
import { DecideProgramChange, DecideProgramChangeCommand, ProposeProgramChange, ProposeProgramChangeCommand, type ProgramChanges } from '@sunlight/programs';
import { EXIT_OK, type CliCommand } from '../command.js';
import { actingUser, refusable } from './rules.command.js';

function age(value: unknown, option: string): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  if (!/^\d{1,3}$/.test(String(value))) throw new InputError(`--${option}: 应为整数周岁或 none（不限），得到 ${value} (expected a whole number or none)`, { column: option, value: String(value) });
  return Number(value);
}

function flag(value: unknown, option: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw new InputError(`--${option}: 应为 true 或 false，得到 ${value} (expected true or false)`, { column: option, value: String(value) });
  return value === 'true';
}

export const programsPropose: CliCommand = {
  words: ['programs', 'propose'],
  arguments: 1,
  usage: 'programs propose CODE [--cap YUAN] [--min-age N|none] [--max-age N|none] [--means-tested true|false] [--universal true|false] --user NAME --reason TEXT',
  summary: '提出资金项目变更（标准上限、年龄范围、家计调查、应享），须另一名管理员审批 (drafts a program change)',
  options: {
    cap: { type: 'string', help: '单笔发放标准上限（元）' },
    'min-age': { type: 'string', help: '年龄下限（周岁），none 为不限' },
    'max-age': { type: 'string', help: '年龄上限（周岁），none 为不限' },
    'means-tested': { type: 'string', help: 'true | false' },
    universal: { type: 'string', help: 'true | false' },
    user: { type: 'string', help: '提出变更的管理员用户名' },
    reason: { type: 'string', help: '变更理由' },
  },
  async run(app, args, io) {
    return refusable(io, async () => {
      const author = await actingUser(app, args);
      const o = args.options;
      const changes: ProgramChanges = {
        cap: o.cap as string | undefined,
        minAge: age(o['min-age'], 'min-age'),
        maxAge: age(o['max-age'], 'max-age'),
        meansTested: flag(o['means-tested'], 'means-tested'),
        universal: flag(o.universal, 'universal'),
      };
      const result = await app.get(ProposeProgramChange).execute(new ProposeProgramChangeCommand(args.positionals[0], changes, author, String(o.reason ?? '')));
      io.say(`已提交资金项目 ${result.program} 的变更草案 ${result.changeId}，待另一名管理员审批`);
      io.result(result);
      return EXIT_OK;
    });
  },
};

export const programsApprove: CliCommand = {
  words: ['programs', 'approve'],
  arguments: 1,
  usage: 'programs approve CHANGE_ID --user NAME [--from YYYY-MM-DD]',
  summary: '批准资金项目变更（不能批准自己提出的）；--from 起生效，省略则立即生效',
  options: {
    user: { type: 'string', help: '审批的管理员用户名（不能是提出者）' },
    from: { type: 'string', help: '生效日期 YYYY-MM-DD（当日零点，北京时间）；省略为立即' },
  },
  async run(app, args, io) {
    return refusable(io, async () => {
      const checker = await actingUser(app, args);
      const result = await app.get(DecideProgramChange).execute(new DecideProgramChangeCommand(args.positionals[0], 'approve', checker, { from: args.options.from as string | undefined }));
      io.say(`已批准变更 ${result.changeId}：版本 v${result.version}`);
      io.result(result);
      return EXIT_OK;
    });
  },
};

export const programsReject: CliCommand = {
  words: ['programs', 'reject'],
  arguments: 1,
  usage: 'programs reject CHANGE_ID --user NAME --reason TEXT',
  summary: '驳回资金项目变更（不能驳回自己提出的），须说明理由',
  options: {
    user: { type: 'string', help: '审批的管理员用户名（不能是提出者）' },
    reason: { type: 'string', help: '驳回理由' },
  },
  async run(app, args, io) {
    return refusable(io, async () => {
      const checker = await actingUser(app, args);
      const result = await app.get(DecideProgramChange).execute(new DecideProgramChangeCommand(args.positionals[0], 'reject', checker, { reason: String(args.options.reason ?? '') }));
      io.say(`已驳回变更 ${result.changeId}`);
      io.result(result);
      return EXIT_OK;
    });
  },
};
