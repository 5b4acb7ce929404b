import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { mountApp } from './mount'

afterEach(() => {
  clearMocks()
  document.body.innerHTML = ''
})

describe('navigation', () => {
  it('lists every section of the product, in order', async () => {
    const { wrapper } = await mountApp()
    const items = wrapper.findAll('[data-test=nav-item]')
    expect(items.map((i) => i.attributes('id'))).toEqual([
      'nav-dashboard',
      'nav-miniPrograms',
      'nav-templates',
      'nav-campaigns',
      'nav-events',
      'nav-settings',
      'nav-about',
    ])
    expect(items.map((i) => i.text())).toEqual(['仪表盘', '小程序', '模板', '批量发布', '事件', '设置', '关于'])
  })

  it('opens the dashboard first, as an honest placeholder', async () => {
    const { wrapper, router } = await mountApp('/')
    expect(router.currentRoute.value.path).toBe('/dashboard')
    expect(wrapper.get('[data-test=page-dashboard] [data-test=placeholder]').text()).toContain('尚未实现')
    expect(wrapper.get('#nav-dashboard').classes()).toContain('is-active')
  })

  it('goes to a section when its item is clicked', async () => {
    mockIPC(() => new Promise(() => {}))
    const { wrapper, router } = await mountApp()

    await wrapper.get('#nav-campaigns').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/campaigns')
    expect(wrapper.get('[data-test=page-campaigns]').text()).toContain('批量发布')
    expect(wrapper.get('#nav-campaigns').classes()).toContain('is-active')

    await wrapper.get('#nav-about').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/about')
    expect(wrapper.find('[data-test=page-about]').exists()).toBe(true)
    expect(wrapper.find('#about-loading').exists()).toBe(true)
  })
})
