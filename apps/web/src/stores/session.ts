import { computed, ref } from 'vue';

/** The signed-in user as /api/auth/login and /api/auth/me describe them. */
export interface SessionUser {
  id: string;
  username: string;
  displayName?: string;
  role: 'uploader' | 'inspector' | 'supervisor' | 'admin';
  regionCode: string;
}

interface TokenAnswer {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: SessionUser;
}

// The refresh token survives a reload (localStorage); the access token lives 15 minutes in memory.
const REFRESH_KEY = 'sunlight.refresh';
const USER_KEY = 'sunlight.user';

const accessToken = ref<string | null>(null);
const refreshToken = ref<string | null>(localStorage.getItem(REFRESH_KEY));
const user = ref<SessionUser | null>(JSON.parse(localStorage.getItem(USER_KEY) ?? 'null'));
const expiresAt = ref(0);
const expiredNotice = ref(false);
let refreshing: Promise<boolean> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;

function accept(answer: TokenAnswer): void {
  accessToken.value = answer.accessToken;
  refreshToken.value = answer.refreshToken;
  user.value = answer.user;
  expiresAt.value = Date.now() + answer.expiresIn * 1000;
  localStorage.setItem(REFRESH_KEY, answer.refreshToken);
  localStorage.setItem(USER_KEY, JSON.stringify(answer.user));
  expiredNotice.value = false;
  // Refresh silently a minute before the access token runs out.
  clearTimeout(timer);
  timer = setTimeout(() => void refresh(), Math.max(5_000, answer.expiresIn * 1000 - 60_000));
}

function clear(): void {
  clearTimeout(timer);
  accessToken.value = null;
  refreshToken.value = null;
  user.value = null;
  expiresAt.value = 0;
  localStorage.removeItem(REFRESH_KEY);
  localStorage.removeItem(USER_KEY);
}

async function post(path: string, body: unknown, token?: string | null): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

/**
 * One refresh at a time; every caller waits for the same answer. The tabs of a browser share one
 * refresh token through localStorage, so a refresh sends the one stored last, whichever tab stored
 * it; refused while another tab rotated it meanwhile, it tries that tab's token once.
 */
function refresh(): Promise<boolean> {
  if (!refreshToken.value) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      let sent = localStorage.getItem(REFRESH_KEY) ?? refreshToken.value;
      let res = await post('/api/auth/refresh', { refreshToken: sent });
      const stored = localStorage.getItem(REFRESH_KEY);
      if (res.status === 401 && stored && stored !== sent) {
        sent = stored;
        res = await post('/api/auth/refresh', { refreshToken: sent });
      }
      if (!res.ok) {
        if (res.status === 401) expired();
        return false;
      }
      accept((await res.json()) as TokenAnswer);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

// Another tab refreshed (adopt its token) or signed out (so does this one). A different user
// signed in there: this tab's page belongs to someone else now, so it starts over.
window.addEventListener('storage', (event) => {
  if (event.storageArea !== localStorage) return;
  if (event.key === REFRESH_KEY || event.key === null) {
    if (!event.newValue) clear();
    else refreshToken.value = event.newValue;
  } else if (event.key === USER_KEY && event.newValue) {
    const other = JSON.parse(event.newValue) as SessionUser;
    if (user.value && other.id !== user.value.id) window.location.assign('/');
    else user.value = other;
  }
});

function expired(): void {
  if (user.value) expiredNotice.value = true;
  clear();
}

export const session = {
  user,
  accessToken,
  refreshToken,
  expiredNotice,
  signedIn: computed(() => user.value !== null && refreshToken.value !== null),
  role: computed(() => user.value?.role ?? null),

  /** Signs in; throws the API's answer body (with its Chinese message) when refused. */
  async login(username: string, password: string): Promise<SessionUser> {
    const res = await post('/api/auth/login', { username, password });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error(typeof body.message === 'string' ? body.message : '登录失败'), { status: res.status, body });
    accept(body as TokenAnswer);
    return (body as TokenAnswer).user;
  },

  async logout(): Promise<void> {
    const token = accessToken.value;
    clear();
    if (token) await post('/api/auth/logout', {}, token).catch(() => undefined);
  },

  /** A valid access token, refreshed first when it is missing or about to expire. */
  async freshAccessToken(): Promise<string | null> {
    if (!refreshToken.value) return accessToken.value;
    if (!accessToken.value || Date.now() > expiresAt.value - 30_000) await refresh();
    return accessToken.value;
  },

  refresh,
  expired,
};
