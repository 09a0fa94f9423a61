import { randomBytes } from 'node:crypto';
import { CreateUser, CreateUserCommand, ListUsers, UpdateUser, UpdateUserCommand } from '@sunlight/accounts';
import { InputError } from '@sunlight/common';
import { EXIT_OK, cliSettings, regionOption, type CliCommand } from '../command.js';

/** A password the policy accepts, for accounts created without one. */
const generated = () => `Sl-${randomBytes(9).toString('base64url')}7`;

export const usersCreate: CliCommand = {
  words: ['users', 'create'],
  arguments: 1,
  usage: 'users create USERNAME --role ROLE [--region CODE] [--name NAME] [--email EMAIL]',
  summary: '创建账户（首个管理员即由此创建）；密码取 SUNLIGHT_NEW_PASSWORD，否则随机生成并显示一次',
  options: {
    role: { type: 'string', help: 'uploader | inspector | supervisor | admin' },
    region: { type: 'string', help: "行政区划代码；省略为全国 (the whole country)" },
    name: { type: 'string', help: '显示名称' },
    email: { type: 'string', help: '接收预警摘要的邮箱' },
  },
  async run(app, args, io) {
    const [username] = args.positionals;
    const region = regionOption(args);
    const { newPassword } = cliSettings(app);
    const password = newPassword ?? generated();
    const user = await app.get(CreateUser).execute(
      new CreateUserCommand(username, String(args.options.name ?? username), String(args.options.role ?? ''), region, password, (args.options.email as string | undefined) ?? null),
    );
    if (!newPassword) io.say(`初始密码 (shown once): ${password}`);
    io.result({ id: Number(user.id), username: user.username, role: user.role, regionCode: user.regionCode });
    return EXIT_OK;
  },
};

export const usersList: CliCommand = {
  words: ['users', 'list'],
  arguments: 0,
  usage: 'users list',
  summary: '列出账户',
  options: {},
  async run(app, _args, io) {
    const users = await app.get(ListUsers).execute();
    for (const u of users) io.say(`  ${u.username.padEnd(20)} ${u.role.padEnd(10)} ${(u.regionCode || '全国').padEnd(9)} ${u.active ? '' : '(停用)'}${u.lockedUntil ? ` 锁定至 ${u.lockedUntil}` : ''}`);
    io.result({ users: users.length });
    return EXIT_OK;
  },
};

export const usersUnlock: CliCommand = {
  words: ['users', 'reset'],
  arguments: 1,
  usage: 'users reset USERNAME',
  summary: '解除锁定并重设密码（密码取 SUNLIGHT_NEW_PASSWORD，否则随机生成）；该用户所有会话失效',
  options: {},
  async run(app, args, io) {
    const user = await app.get(ListUsers).byUsername(args.positionals[0]);
    if (!user) throw new InputError(`用户 ${args.positionals[0]} 不存在 (no such user)`);
    const { newPassword } = cliSettings(app);
    const password = newPassword ?? generated();
    await app.get(UpdateUser).execute(new UpdateUserCommand(user.id, { unlock: true, password }));
    if (!newPassword) io.say(`新密码 (shown once): ${password}`);
    io.result({ username: user.username, reset: true });
    return EXIT_OK;
  },
};
