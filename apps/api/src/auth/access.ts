import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ActorContext, AuthError, ForbiddenError, type Actor, type Role } from '@sunlight/common';
import { Authenticator } from '@sunlight/accounts';

export const ROLES_KEY = 'sunlight:roles';
export const PUBLIC_KEY = 'sunlight:public';

/** Who may call a route. Every route says it: @Roles(...) or @Public(); the security suite checks. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** Open to anyone (health, API docs, the console's page, signing in). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The actor of the request (the guard has authenticated it). */
export const CurrentActor = createParamDecorator((_data: unknown, _ctx: ExecutionContext): Actor => ActorContext.current());

export const ANONYMOUS: Actor = Object.freeze({ userId: 'anonymous', username: 'anonymous', role: 'anonymous', scope: null });

/**
 * Runs every request in an actor context of its own, anonymous (no scope at all) until the
 * guard authenticates it. Region-scoped queries read the scope from this context.
 */
export function actorContextMiddleware(_req: Request, _res: unknown, next: () => void): void {
  ActorContext.run({ ...ANONYMOUS }, next);
}

/**
 * One gate for every route: a public route passes; any other needs a valid access token of a
 * live session (401 otherwise) and a role the route allows (403 otherwise). A route that says
 * neither is closed to everyone.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AuthError();
    const actor = await this.authenticator.authenticate(match[1]);
    ActorContext.become(actor);
    if (!roles || !roles.includes(actor.role as Role)) throw new ForbiddenError();
    return true;
  }
}
