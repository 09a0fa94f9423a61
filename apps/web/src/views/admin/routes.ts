import type { RouteRecordRaw } from 'vue-router';

/** The admin's pages (meta.roles decides who sees them; meta.menu puts them in the sidebar). */
const admin = { roles: ['admin' as const], menu: '系统管理' };

const routes: RouteRecordRaw[] = [
  { path: '/admin/users', name: 'admin-users', component: () => import('./UsersView.vue'), meta: { title: '用户管理', ...admin } },
  { path: '/admin/programs', name: 'admin-programs', component: () => import('./ProgramsView.vue'), meta: { title: '资金项目', ...admin } },
  { path: '/admin/rules', name: 'admin-rules', component: () => import('./RulesView.vue'), meta: { title: '比对规则', ...admin } },
  { path: '/admin/rules/:code', name: 'admin-rule-versions', component: () => import('./rules/RuleVersionsView.vue'), meta: { title: '版本历史', parent: '/admin/rules', roles: ['admin'] } },
  { path: '/admin/rule-changes', name: 'admin-rule-changes', component: () => import('./rules/RuleChangesView.vue'), meta: { title: '待我审批', ...admin } },
  { path: '/admin/audit', name: 'admin-audit', component: () => import('./AuditView.vue'), meta: { title: '审计校验', ...admin } },
  { path: '/admin/queues', name: 'admin-queues', component: () => import('./QueuesView.vue'), meta: { title: '队列监控', ...admin } },
];

export default routes;
