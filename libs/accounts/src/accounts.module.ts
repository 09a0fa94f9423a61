import { Module } from '@nestjs/common';
import { RegionsModule } from '@sunlight/regions';
import { Authenticator, Login, Logout, RefreshSession } from './auth.usecases.js';
import { DemoAccounts } from './demo-accounts.js';
import { TokenService } from './token.service.js';
import { UserDirectory } from './user-directory.js';
import { ChangePassword, CreateUser, ListUsers, RevokeSessions, UpdateUser } from './users.usecases.js';

const PROVIDERS = [TokenService, Login, RefreshSession, Logout, Authenticator, CreateUser, UpdateUser, ChangePassword, ListUsers, RevokeSessions, DemoAccounts, UserDirectory];

@Module({ imports: [RegionsModule], providers: PROVIDERS, exports: PROVIDERS })
export class AccountsModule {}
