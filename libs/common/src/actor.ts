import { AsyncLocalStorage } from 'node:async_hooks';

export type Role = 'uploader' | 'inspector' | 'supervisor' | 'admin';
export const ROLES: Role[] = ['uploader', 'inspector', 'supervisor', 'admin'];
export const ROLE_LABELS: Record<Role, string> = { uploader: '财政上传', inspector: '纪委核查', supervisor: '分管领导', admin: '系统管理员' };

/**
 * Who is acting. `scope` is the region subtree the actor may see: '' the whole country, a code
 * its subtree, null nothing at all (an anonymous request).
 */
export interface Actor {
  userId: string;
  username: string;
  role: Role | 'system' | 'anonymous';
  scope: string | null;
  sessionId?: string;
}

/** The command line, the workers and start-up tasks act for the installation itself. */
export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: 'system', username: 'system', role: 'system', scope: '' });

const storage = new AsyncLocalStorage<Actor>();

/**
 * The actor of the current request or job, carried through every await (AsyncLocalStorage).
 * Every region-scoped query reads its scope from here — the one place scope is decided — so a
 * use case cannot forget to filter. Outside any context (CLI, workers) the actor is the system.
 */
export const ActorContext = {
  run<T>(actor: Actor, fn: () => T): T {
    return storage.run(actor, fn);
  },
  current(): Actor {
    return storage.getStore() ?? SYSTEM_ACTOR;
  },
  /** Replaces the actor of the running context (the authentication guard does, once per request). */
  become(actor: Actor): void {
    const store = storage.getStore();
    if (!store) throw new Error('no actor context to authenticate');
    Object.assign(store, actor);
  },
};

/**
 * SQL keeping the rows of `column` inside the current actor's region subtree. Region codes are
 * digits and the columns use the "C" collation, so the LIKE prefix is an index range.
 */
export function scopeSql(column: string): string {
  const scope = ActorContext.current().scope;
  if (scope === null) return 'FALSE';
  if (!/^\d*$/.test(scope)) throw new Error(`bad region scope ${scope}`);
  return scope === '' ? 'TRUE' : `${column} LIKE '${scope}%'`;
}

/** Is a region code inside the current actor's scope? */
export function inActorScope(regionCode: string): boolean {
  const scope = ActorContext.current().scope;
  return scope !== null && regionCode.startsWith(scope);
}
