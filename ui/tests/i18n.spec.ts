import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { mountApp } from './mount'
import { savedLocale } from '../src/i18n'
import zhCN from '../src/locales/zh-CN'
import en from '../src/locales/en'

beforeEach(() => localStorage.clear())
afterEach(() => {
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
    const { wrapper } = await mountApp('/settings')
    expect(wrapper.get('#nav-about').text()).toBe('关于')
    expect(wrapper.get('[data-test=page-settings] h2').text()).toBe('设置')

    await wrapper.get('#lang-en input').setValue(true)
    await flushPromises()
    expect(wrapper.get('#nav-about').text()).toBe('About')
    expect(wrapper.get('[data-test=page-settings] h2').text()).toBe('Settings')
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
