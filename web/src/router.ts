import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import { CITY_ROLE, hasRole, isCitySession, type StaffRole, session } from './session.js';

declare module 'vue-router' {
  interface RouteMeta {
    /** Who may open the page; anyone signed in when absent. */
    roles?: StaffRole[];
    public?: boolean;
    /** A page of the city's view (市/县信访局): the only pages a city supervisor opens. */
    city?: boolean;
  }
}

/** Who may register a case (`POST /v1/cases`). */
export const REGISTRARS: StaffRole[] = ['clerk', 'grid_worker', 'leader', 'supervisor'];
export const READERS_OF_REPORTS: StaffRole[] = ['leader', 'supervisor', 'admin'];

const routes: RouteRecordRaw[] = [
  {
    path: '/sign-in',
    name: 'sign-in',
    component: () => import('./views/SignIn.vue'),
    meta: { public: true },
  },
  {
    path: '/',
    component: () => import('./views/WorkbenchLayout.vue'),
    children: [
      { path: '', name: 'home', redirect: () => ({ name: isCitySession() ? 'city' : 'cases' }) },
      { path: 'cases', name: 'cases', component: () => import('./views/CaseList.vue') },
      {
        path: 'cases/new',
        name: 'intake',
        component: () => import('./views/IntakeView.vue'),
        meta: { roles: REGISTRARS },
      },
      { path: 'cases/:id', name: 'case', component: () => import('./views/CaseDetail.vue'), props: true },
      { path: 'grids', name: 'grids', component: () => import('./views/GridsView.vue') },
      {
        path: 'dashboard',
        name: 'dashboard',
        component: () => import('./views/DashboardView.vue'),
        meta: { roles: READERS_OF_REPORTS },
      },
      {
        path: 'reception',
        name: 'reception',
        component: () => import('./views/ReceptionView.vue'),
        meta: { roles: ['leader', 'supervisor', 'clerk'] },
      },
      {
        path: 'notifications',
        name: 'notifications',
        component: () => import('./views/NotificationsView.vue'),
      },
      {
        path: 'city',
        name: 'city',
        component: () => import('./views/CityOverview.vue'),
        meta: { roles: [CITY_ROLE], city: true },
      },
      {
        path: 'city/cases',
        name: 'city-cases',
        component: () => import('./views/CityCases.vue'),
        meta: { roles: [CITY_ROLE], city: true },
      },
      {
        path: 'city/towns/:town/cases/:id',
        name: 'city-case',
        component: () => import('./views/CityCaseDetail.vue'),
        props: true,
        meta: { roles: [CITY_ROLE], city: true },
      },
    ],
  },
  { path: '/:rest(.*)*', redirect: { name: 'cases' } },
];

export function createAppRouter() {
  const router = createRouter({ history: createWebHashHistory(), routes });
  router.beforeEach((to) => {
    if (to.meta.public) return true;
    if (!session.value) return { name: 'sign-in', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
    // a city supervisor has no town: every town page would be refused, so its own pages only
    if (isCitySession()) return to.matched.some((record) => record.meta.city) ? true : { name: 'city' };
    const roles = to.matched.flatMap((record) => record.meta.roles ?? []);
    if (roles.length > 0 && !hasRole(...roles)) return { name: 'cases' };
    return true;
  });
  return router;
}
