import type { INestApplicationContext } from '@nestjs/common';
import { UserDirectory } from '@sunlight/accounts';
import { ConflictError, ForbiddenError, InputError, NotFoundError, type Actor } from '@sunlight/common';
import { SEVERITY_LABELS } from '@sunlight/leads';
import { ApproveRuleChange, ApproveRuleChangeCommand, ProposeRuleChange, ProposeRuleChangeCommand, RejectRuleChange, RejectRuleChangeCommand, RuleCatalogue } from '@sunlight/rules';
import { EXIT_OK, EXIT_REJECTED, type CliCommand, type CliIo, type ParsedArgs } from '../command.js';

/** `rules list` (CONTRACT §5): every rule as its live version sets it now. */
export const rulesList: CliCommand = {
  words: ['rules', 'list'],
  arguments: 0,
  usage: 'rules list',
  summary: '列出当前生效的比对规则：编号、版本、是否启用、严重程度、参数 (the live rules)',
  options: {},
  async run(app, _args, io) {
    const rules = await app.get(RuleCatalogue).live();
    for (const r of rules) {
      const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');
      io.say(`  ${r.code} v${r.version} ${r.enabled ? '启用' : '停用'} ${SEVERITY_LABELS[r.severity]} ${r.name.zh}${params ? `  ${params}` : ''}`);
    }
    io.result({ rules: rules.map((r) => ({ code: r.code, version: r.version, enabled: r.enabled, severity: r.severity, params: r.params })) });
    return EXIT_OK;
  },
};

/** The account named by --user, acting as itself: unknown or inactive accounts are refused. */
export async function actingUser(app: INestApplicationContext, args: ParsedArgs): Promise<Actor> {
  const name = args.options.user;
  if (typeof name !== 'string' || !name.trim()) throw new InputError('--user: 须指明操作的管理员用户名 (expected --user NAME)', { column: 'user' });
  const user = await app.get(UserDirectory).find(name.trim());
  if (!user || !user.active) throw new InputError(`--user ${name}: 没有此账户或账户已停用 (no such active user)`, { column: 'user', value: name });
  return { userId: user.id, username: user.username, role: user.role, scope: user.regionCode };
}

/**
 * A refusal of the rule of four eyes (not an admin, the author deciding, already decided, no such
 * change) is refused input here: exit 2 with one Chinese line, as CONTRACT §5 says.
 */
export async function refusable(io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ForbiddenError || err instanceof ConflictError || err instanceof NotFoundError) {
      io.say(`sunlight: ${err.message}`);
      return EXIT_REJECTED;
    }
    throw err;
  }
}

function parseJsonParams(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`--params: 应为 JSON 对象，如 '{"minIds":4}'，得到 ${text} (expected a JSON object)`, { column: 'params', value: text, expected: '{"name": number}' });
  }
}

function parseEnabled(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw new InputError(`--enabled: 应为 true 或 false，得到 ${value} (expected true or false)`, { column: 'enabled', value });
  return value === 'true';
}

export const rulesPropose: CliCommand = {
  words: ['rules', 'propose'],
  arguments: 1,
  usage: 'rules propose CODE [--params JSON] [--enabled true|false] [--severity S] --user NAME --reason TEXT',
  summary: '提出规则变更（新版本草案），须另一名管理员审批后生效 (drafts a rule change)',
  options: {
    params: { type: 'string', help: '参数的新取值，JSON，如 {"minIds":4}' },
    enabled: { type: 'string', help: 'true | false' },
    severity: { type: 'string', help: 'low | medium | high' },
    user: { type: 'string', help: '提出变更的管理员用户名' },
    reason: { type: 'string', help: '变更理由' },
  },
  async run(app, args, io) {
    return refusable(io, async () => {
      const author = await actingUser(app, args);
      const changes = { params: parseJsonParams(args.options.params as string | undefined), enabled: parseEnabled(args.options.enabled as string | undefined), severity: args.options.severity as string | undefined };
      const result = await app.get(ProposeRuleChange).execute(new ProposeRuleChangeCommand(args.positionals[0], changes, author, String(args.options.reason ?? '')));
      io.say(`已提交规则 ${result.rule} 的变更草案 ${result.changeId}，待另一名管理员审批`);
      io.result(result);
      return EXIT_OK;
    });
  },
};

export const rulesApprove: CliCommand = {
  words: ['rules', 'approve'],
  arguments: 1,
  usage: 'rules approve CHANGE_ID --user NAME [--from YYYY-MM-DD]',
  summary: '批准规则变更（不能批准自己提出的）；--from 起生效，省略则立即生效 (approves a change)',
  options: {
    user: { type: 'string', help: '审批的管理员用户名（不能是提出者）' },
    from: { type: 'string', help: '生效日期 YYYY-MM-DD（当日零点，北京时间）；省略为立即' },
  },
  async run(app, args, io) {
    return refusable(io, async () => {
      const checker = await actingUser(app, args);
      const result = await app.get(ApproveRuleChange).execute(new ApproveRuleChangeCommand(args.positionals[0], checker, args.options.from as string | undefined));
      io.say(`已批准变更 ${result.changeId}：版本 v${result.version}，${args.options.from ? `${args.options.from} 起生效` : '即时生效'}`);
      io.result(result);
      return EXIT_OK;
    });
  },
};

export const rulesReject: CliCommand = {
  words: ['rules', 'reject'],
  arguments: 1,
  usage: 'rules reject CHANGE_ID --user NAME --reason TEXT',
  summary: '驳回规则变更（不能驳回自己提出的），须说明理由 (rejects a change)',
  options: {
    user: { type: 'string', help: '审批的管理员用户名（不能是提出者）' },
    reason: { type: 'string', help: '驳回理由' },
  },
  async run(app, args, io) {
    return refusable(io, async () => {
      const checker = await actingUser(app, args);
      const result = await app.get(RejectRuleChange).execute(new RejectRuleChangeCommand(args.positionals[0], checker, String(args.options.reason ?? '')));
      io.say(`已驳回变更 ${result.changeId}`);
      io.result(result);
      return EXIT_OK;
    });
  },
};
