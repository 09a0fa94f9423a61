import type { RouteRecordRaw } from 'vue-router';

/** The supervisor's pages (meta.roles decides who sees them; meta.menu puts them in the sidebar). */
const routes: RouteRecordRaw[] = [
  { path: '/supervisor/dashboard', name: 'supervisor-dashboard', component: () => import('./DashboardView.vue'), meta: { title: '监督看板', roles: ['supervisor'], menu: '监督分析' } },
  { path: '/supervisor/statistics', name: 'supervisor-statistics', component: () => import('./StatisticsView.vue'), meta: { title: '统计报表', roles: ['supervisor'], menu: '监督分析' } },
  { path: '/supervisor/digest', name: 'supervisor-digest', component: () => import('./DigestView.vue'), meta: { title: '简报设置', roles: ['supervisor'], menu: '监督分析' } },
];

export default routes;
