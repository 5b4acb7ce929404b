import { createRouter, createWebHashHistory, createMemoryHistory, type RouteRecordRaw } from 'vue-router'
import PlaceholderPage from './pages/PlaceholderPage.vue'
import AboutPage from './pages/AboutPage.vue'

/** One entry per section of the product, in the order the navigation shows them. */
export const SECTIONS = [
  { name: 'dashboard', path: '/dashboard', icon: 'Odometer' },
  { name: 'miniPrograms', path: '/mini-programs', icon: 'Grid' },
  { name: 'templates', path: '/templates', icon: 'Files' },
  { name: 'campaigns', path: '/campaigns', icon: 'Promotion' },
  { name: 'events', path: '/events', icon: 'Bell' },
  { name: 'settings', path: '/settings', icon: 'Setting' },
  { name: 'about', path: '/about', icon: 'InfoFilled' },
] as const

export type SectionName = (typeof SECTIONS)[number]['name']

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/dashboard' },
  ...SECTIONS.map(
    (s): RouteRecordRaw =>
      s.name === 'about'
        ? { path: s.path, name: s.name, component: AboutPage }
        : { path: s.path, name: s.name, component: PlaceholderPage, props: { section: s.name } },
  ),
  { path: '/:pathMatch(.*)*', redirect: '/dashboard' },
]

/** Hash history: the app is served from files by Tauri, where there is no server to answer deep links. */
export function makeRouter(history = createWebHashHistory()) {
  return createRouter({ history, routes })
}

export function makeTestRouter() {
  return makeRouter(createMemoryHistory())
}
