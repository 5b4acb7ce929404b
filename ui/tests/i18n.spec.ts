import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { clearMocks } from '@tauri-apps/api/mocks'
import { mountApp } from './mount'
import { mockCore } from './ipc'
import { savedLocale } from '../src/i18n'
import zhCN from '../src/locales/zh-CN'
import en from '../src/locales/en'

beforeEach(() => localStorage.clear())
afterEach(() => {
  clearMocks()
  document.body.innerHTML = ''
})

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}

describe('language', () => {
  it('starts in Chinese when nothing was chosen before', () => {
    expect(savedLocale()).toBe('zh-CN')
  })

  it('switches the whole shell to English and back, and remembers the choice', async () => {
    mockCore({ about: () => new Promise(() => {}) })
    const { wrapper } = await mountApp('/about')
    await flushPromises()
    expect(wrapper.get('#nav-about').text()).toBe('关于')
    expect(wrapper.get('[data-test=page-about] h2').text()).toBe('关于 wxfleet')

    await wrapper.get('#lang-en input').setValue(true)
    await flushPromises()
    expect(wrapper.get('#nav-about').text()).toBe('About')
    expect(wrapper.get('[data-test=page-about] h2').text()).toBe('About wxfleet')
    expect(wrapper.get('#nav-settings').text()).toBe('Settings')
    expect(wrapper.get('#lang-en').classes()).toContain('is-active')
    expect(localStorage.getItem('wxfleet.locale')).toBe('en')
    expect(savedLocale()).toBe('en')
    expect(document.documentElement.lang).toBe('en')

    await wrapper.get('#lang-zh-CN input').setValue(true)
    await flushPromises()
    expect(wrapper.get('#nav-about').text()).toBe('关于')
    expect(savedLocale()).toBe('zh-CN')
  })

  it('ignores a stored value that is not a known locale', () => {
    localStorage.setItem('wxfleet.locale', 'fr')
    expect(savedLocale()).toBe('zh-CN')
  })

  it('has the same messages in both languages', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
  })
})
