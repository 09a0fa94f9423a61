import type { RouteRecordRaw } from 'vue-router';

/** The 财政 uploader's pages (meta.roles decides who sees them; meta.menu puts them in the sidebar). */
const uploader = { roles: ['uploader' as const], menu: '数据上报' };

const routes: RouteRecordRaw[] = [
  { path: '/upload', name: 'upload', component: () => import('./UploadView.vue'), meta: { title: '上传数据', ...uploader } },
  { path: '/batches', name: 'batches', component: () => import('./BatchesView.vue'), meta: { title: '发放批次', ...uploader } },
  { path: '/batches/:id', name: 'batch', component: () => import('./BatchView.vue'), meta: { title: '批次详情', roles: uploader.roles, parent: '/batches' } },
  { path: '/registry-imports', name: 'registry-imports', component: () => import('./RegistryImportsView.vue'), meta: { title: '比对库导入', ...uploader } },
  { path: '/registry-imports/:id', name: 'registry-import', component: () => import('./RegistryImportView.vue'), meta: { title: '导入详情', roles: uploader.roles, parent: '/registry-imports' } },
  { path: '/my-leads', name: 'my-leads', component: () => import('./MyLeadsView.vue'), meta: { title: '我的线索', ...uploader } },
];

export default routes;
