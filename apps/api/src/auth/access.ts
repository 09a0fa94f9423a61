import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ActorContext, AuthError, ForbiddenError, type Actor, type Role } from '@sunlight/common';
import { Authenticator, SignedLinks } from '@sunlight/accounts';

export const ROLES_KEY = 'sunlight:roles';
export const PUBLIC_KEY = 'sunlight:public';
export const SIGNED_LINK_KEY = 'sunlight:signed-link';

/** Who may call a route. Every route says it: @Roles(...) or @Public(); the security suite checks. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** Open to anyone (health, API docs, the console's page, signing in). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * A GET route a browser may open by itself (print, download) with `?link=TOKEN` from
 * POST /api/links instead of a bearer token. The link is bound to its user, session, role,
 * region and this exact path and query, and works for a minute; everywhere else `link` is
 * nothing. The route's @Roles still apply.
 */
export const SignedLinkable = () => SetMetadata(SIGNED_LINK_KEY, true);

/** The query parameter that carries a signed link's token. */
export const LINK_PARAM = 'link';

/**
 * A path and query as links are signed and checked: normalised as a browser sends it (WHATWG
 * URL: percent-encoding, `..` resolved), without any `link` parameter. Undefined for anything
 * that is not a path on this server.
 */
export function linkTarget(pathAndQuery: string): string | undefined {
  if (typeof pathAndQuery !== 'string' || !pathAndQuery.startsWith('/') || pathAndQuery.startsWith('//') || pathAndQuery.length > 2000) return undefined;
  let url: URL;
  try {
    url = new URL(pathAndQuery, 'http://sunlight.invalid');
  } catch {
    return undefined;
  }
  if (url.origin !== 'http://sunlight.invalid') return undefined;
  const query = url.search
    .slice(1)
    .split('&')
    .filter((part) => part !== '' && part.split('=')[0] !== LINK_PARAM);
  return url.pathname + (query.length ? `?${query.join('&')}` : '');
}

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
 * neither is closed to everyone. A GET route marked @SignedLinkable also takes a signed link
 * (`?link=`) in place of the token, checked as strictly; no other route does, and a link is
 * never a bearer token.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly links: SignedLinks,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const request = context.switchToHttp().getRequest<Request>();
    const linkable = request.method === 'GET' && this.reflector.get<boolean>(SIGNED_LINK_KEY, context.getHandler()) === true;
    const link = linkable ? takeLink(request) : undefined;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    let actor: Actor;
    if (match) actor = await this.authenticator.authenticate(match[1]);
    else if (link) actor = await this.links.verify(link.token, link.target);
    else throw new AuthError();
    ActorContext.become(actor);
    if (!roles || !roles.includes(actor.role as Role)) throw new ForbiddenError();
    return true;
  }
}

/**
 * The signed link of a request to a linkable route (exactly one `link` parameter), which is
 * then taken out of the query the route sees, so that its query validation is not bothered.
 */
function takeLink(request: Request): { token: string; target: string } | undefined {
  const query = request.query as Record<string, unknown>;
  if (!query || !(LINK_PARAM in query)) return undefined;
  const { [LINK_PARAM]: token, ...rest } = query;
  // (Express 5 computes req.query from the URL on each read: an own property stands in for it.)
  Object.defineProperty(request, 'query', { value: rest, configurable: true, enumerable: true, writable: true });
  const target = linkTarget(request.originalUrl);
  if (typeof token !== 'string' || !target) return undefined;
  return { token, target };
}
