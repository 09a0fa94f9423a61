import { Module } from '@nestjs/common';
import { RegionsModule } from '@sunlight/regions';
import { Authenticator, CurrentUser, Login, Logout, RefreshSession } from './auth.usecases.js';
import { DemoAccounts } from './demo-accounts.js';
import { Passwords } from './passwords.js';
import { TokenService } from './token.service.js';
import { UserDirectory } from './user-directory.js';
import { SessionRepository } from './session.repository.js';
import { UserRepository } from './user.repository.js';
import { ChangePassword, CreateUser, ListUsers, ResetPassword, RevokeSessions, UnlockUser, UpdateUser } from './users.usecases.js';

const PROVIDERS = [
  Passwords,
  UserRepository,
  SessionRepository,
  TokenService,
  Login,
  RefreshSession,
  Logout,
  CurrentUser,
  Authenticator,
  CreateUser,
  UpdateUser,
  UnlockUser,
  ResetPassword,
  ChangePassword,
  ListUsers,
  RevokeSessions,
  DemoAccounts,
  UserDirectory,
];

@Module({ imports: [RegionsModule], providers: PROVIDERS, exports: PROVIDERS })
export class AccountsModule {}
