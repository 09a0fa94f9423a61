import { Injectable } from '@nestjs/common';
import { AppMetaService } from '@sunlight/database';
import { CreateUser, CreateUserCommand, ListUsers } from './users.usecases.js';

/** The demo logins of `npm start` (README lists them): one of each role, two counties. */
export const DEMO_ACCOUNTS = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', regionCode: '', password: 'Sunlight-admin-2024' },
  { username: 'songzi.caizheng', displayName: '松滋市财政局', role: 'uploader', regionCode: '421087', password: 'Sunlight-demo-2024' },
  { username: 'songzi.jiwei', displayName: '松滋市纪委监委', role: 'inspector', regionCode: '421087', password: 'Sunlight-demo-2024' },
  { username: 'zaoqiang.jiwei', displayName: '枣强县纪委监委', role: 'inspector', regionCode: '131121', password: 'Sunlight-demo-2024' },
  { username: 'jingzhou.lingdao', displayName: '荆州市分管领导', role: 'supervisor', regionCode: '4210', password: 'Sunlight-demo-2024' },
] as const;

@Injectable()
export class DemoAccounts {
  constructor(
    private readonly createUser: CreateUser,
    private readonly users: ListUsers,
    private readonly meta: AppMetaService,
  ) {}

  /** Creates the demo accounts that do not exist yet. */
  async ensure(): Promise<void> {
    for (const account of DEMO_ACCOUNTS) {
      if (await this.users.byUsername(account.username)) continue;
      await this.createUser.execute(new CreateUserCommand(account.username, account.displayName, account.role, account.regionCode, account.password));
    }
    await this.meta.set('demo-accounts', true);
  }

  /** The lines printed at start-up while the demo accounts are in use. */
  async banner(): Promise<string[]> {
    if (!(await this.meta.get('demo-accounts'))) return [];
    return DEMO_ACCOUNTS.map((a) => `  ${a.username.padEnd(18)} ${a.password.padEnd(20)} ${a.role.padEnd(10)} ${a.displayName}`);
  }
}
