import type { RouteRecordRaw } from 'vue-router';

/** Pages every signed-in user has. */
const routes: RouteRecordRaw[] = [
  { path: '/account', name: 'account', component: () => import('./AccountView.vue'), meta: { title: '个人中心', menu: '个人' } },
];

export default routes;
