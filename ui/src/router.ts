import { createRouter, createWebHashHistory, createMemoryHistory, type RouteRecordRaw } from 'vue-router'

/** One entry per section of the product, in the order the navigation shows them. */
export const SECTIONS = [
  { name: 'dashboard', path: '/dashboard', icon: 'Odometer' },
  { name: 'miniPrograms', path: '/mini-programs', icon: 'Grid' },
  { name: 'authorize', path: '/authorize', icon: 'Connection' },
  { name: 'templates', path: '/templates', icon: 'Files' },
  { name: 'campaigns', path: '/campaigns', icon: 'Promotion' },
  { name: 'events', path: '/events', icon: 'Bell' },
  { name: 'auditLog', path: '/audit-log', icon: 'Document' },
  { name: 'settings', path: '/settings', icon: 'Setting' },
  { name: 'about', path: '/about', icon: 'InfoFilled' },
] as const

export type SectionName = (typeof SECTIONS)[number]['name']

// Pages load on first visit: the dashboard paints without parsing every screen's code.
const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/dashboard' },
  { path: '/dashboard', name: 'dashboard', component: () => import('./pages/DashboardPage.vue') },
  { path: '/mini-programs', name: 'miniPrograms', component: () => import('./pages/MiniProgramsPage.vue') },
  { path: '/mini-programs/:appid', name: 'miniProgram', component: () => import('./pages/MiniProgramDetailPage.vue'), props: true },
  { path: '/mini-programs/:appid/config', name: 'merchantConfig', component: () => import('./pages/MerchantConfigPage.vue'), props: true },
  { path: '/authorize', name: 'authorize', component: () => import('./pages/AuthorizePage.vue') },
  { path: '/templates', name: 'templates', component: () => import('./pages/TemplatesPage.vue') },
  { path: '/campaigns', name: 'campaigns', component: () => import('./pages/CampaignsPage.vue') },
  { path: '/campaigns/new', name: 'campaignNew', component: () => import('./pages/CampaignNewPage.vue') },
  { path: '/campaigns/:id', name: 'campaign', component: () => import('./pages/CampaignPage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  { path: '/events', name: 'events', component: () => import('./pages/EventsPage.vue') },
  { path: '/audit-log', name: 'auditLog', component: () => import('./pages/AuditLogPage.vue') },
  { path: '/settings', name: 'settings', component: () => import('./pages/SettingsPage.vue') },
  { path: '/about', name: 'about', component: () => import('./pages/AboutPage.vue') },
  { path: '/:pathMatch(.*)*', redirect: '/dashboard' },
]

/** Hash history: the app is served from files by Tauri, where there is no server to answer deep links. */
export function makeRouter(history = createWebHashHistory()) {
  return createRouter({ history, routes })
}

export function makeTestRouter() {
  return makeRouter(createMemoryHistory())
}
