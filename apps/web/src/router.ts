import { watch } from 'vue';
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { session, type SessionUser } from '@/stores/session';
import AppLayout from '@/layout/AppLayout.vue';
import LoginView from '@/views/LoginView.vue';
import NotFoundView from '@/views/NotFoundView.vue';
import accountRoutes from '@/views/account/routes';
import uploaderRoutes from '@/views/uploader/routes';
import inspectorRoutes from '@/views/inspector/routes';
import supervisorRoutes from '@/views/supervisor/routes';
import adminRoutes from '@/views/admin/routes';

type Role = SessionUser['role'];

declare module 'vue-router' {
  interface RouteMeta {
    /** The page's title: the menu entry, the breadcrumb and the document title. */
    title?: string;
    /** Who may open it; the sidebar shows only these. Absent: everyone signed in. */
    roles?: Role[];
    /** The sidebar group it sits in (absent: not in the sidebar, e.g. a detail page). */
    menu?: string;
    /** For a detail page: the list it belongs to, as the breadcrumb's parent. */
    parent?: string;
    public?: boolean;
  }
}

/**
 * Each role's pages, in sidebar order; every area owns its routes file. Supervisors and the admin
 * also read the inspector's pages, so those come after their own: a role lands on its own work.
 */
export const pages: RouteRecordRaw[] = [...uploaderRoutes, ...supervisorRoutes, ...adminRoutes, ...inspectorRoutes, ...accountRoutes];

export function allowed(meta: { roles?: Role[] }, role: Role | null): boolean {
  return role !== null && (!meta.roles || meta.roles.includes(role));
}

/** Where a user lands after signing in: their first page in the sidebar. */
export function homeOf(role: Role | null): string {
  const first = pages.find((p) => p.meta?.menu && allowed(p.meta, role));
  return first ? String(first.path) : '/account';
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: LoginView, meta: { title: '登录', public: true } },
    { path: '/', component: AppLayout, children: [{ path: '', name: 'home', redirect: () => homeOf(session.role.value) }, ...pages] },
    { path: '/:rest(.*)*', name: 'not-found', component: NotFoundView, meta: { title: '页面不存在', public: true } },
  ],
  scrollBehavior: () => ({ top: 0 }),
});

router.beforeEach((to) => {
  if (to.meta.public) return true;
  if (!session.signedIn.value) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  if (!allowed(to.meta, session.role.value)) return homeOf(session.role.value);
  return true;
});

// A session that ends under an open page (refused refresh, signed out in another tab) leaves it for
// the login page, which comes back here after signing in.
watch(session.signedIn, (signedIn) => {
  const here = router.currentRoute.value;
  if (!signedIn && !here.meta.public) void router.replace({ name: 'login', query: { redirect: here.fullPath } });
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 阳光监管` : '阳光监管';
});
