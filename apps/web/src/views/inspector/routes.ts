import type { RouteRecordRaw } from 'vue-router';

/**
 * The inspector's pages (纪委: 线索核查): the queue, a lead, the three notices. Supervisors and
 * the admin read them too (the API decides what each may do); the steps, bulk actions, uploads
 * and notices' forms are shown to inspectors only.
 */
const routes: RouteRecordRaw[] = [
  { path: '/leads', name: 'leads', component: () => import('./QueueView.vue'), meta: { title: '线索队列', menu: '线索核查', roles: ['inspector', 'supervisor', 'admin'] } },
  { path: '/leads/:id(\\d+)', name: 'lead', component: () => import('./LeadView.vue'), meta: { title: '线索详情', parent: '/leads', roles: ['inspector', 'supervisor', 'admin'] } },
  { path: '/notices', name: 'notices', component: () => import('./NoticesView.vue'), meta: { title: '三书管理', menu: '线索核查', roles: ['inspector', 'supervisor', 'admin'] } },
];

export default routes;
