import { afterEach } from 'vitest'
import { clearMocks } from '@tauri-apps/api/mocks'
import { mountApp as mount } from './mount'
import type { Locale } from '../src/i18n'

const mounted: { unmount: () => void }[] = []

/** `mountApp`, unmounted after the test (pages listen to app-wide events while mounted). */
export async function mountPage(path: string, locale: Locale = 'zh-CN') {
  const app = await mount(path, locale)
  mounted.push(app.wrapper)
  return app
}

afterEach(() => {
  mounted.splice(0).forEach((w) => w.unmount())
  clearMocks()
  document.body.innerHTML = ''
})
