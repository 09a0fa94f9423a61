import type { RouteRecordRaw } from 'vue-router';

/** The supervisor's pages (meta.roles decides who sees them; meta.menu puts them in the sidebar). */
const routes: RouteRecordRaw[] = [];

export default routes;
