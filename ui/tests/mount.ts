import { mount, flushPromises } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import App from '../src/App.vue'
import { makeI18n, type Locale } from '../src/i18n'
import { makeTestRouter } from '../src/router'

/**
 * The whole app, as main.ts builds it, on an in-memory router, with the page at `path` shown. Mock
 * the core first (`mockCore` in ./ipc): the shell asks it whether it has started.
 */
export async function mountApp(path = '/dashboard', locale: Locale = 'zh-CN') {
  const router = makeTestRouter()
  const i18n = makeI18n(locale)
  await router.push(path)
  await router.isReady()
  const wrapper = mount(App, { global: { plugins: [ElementPlus, i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router, i18n }
}
