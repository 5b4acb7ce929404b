import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { clearMocks } from '@tauri-apps/api/mocks'
import { mountApp } from './mount'
import { mockCore } from './ipc'

afterEach(() => {
  clearMocks()
  document.body.innerHTML = ''
})

describe('navigation', () => {
  it('lists every section of the product, in order', async () => {
    mockCore()
    const { wrapper } = await mountApp()
    const items = wrapper.findAll('[data-test=nav-item]')
    expect(items.map((i) => i.attributes('id'))).toEqual([
      'nav-dashboard',
      'nav-miniPrograms',
      'nav-authorize',
      'nav-templates',
      'nav-campaigns',
      'nav-events',
      'nav-auditLog',
      'nav-settings',
      'nav-about',
    ])
    expect(items.map((i) => i.text())).toEqual(['仪表盘', '小程序', '授权商家', '模板', '批量发布', '事件', '操作日志', '设置', '关于'])
  })

  it('opens the dashboard first, once the core has started', async () => {
    mockCore()
    const { wrapper, router } = await mountApp('/')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/dashboard')
    expect(wrapper.find('#boot-starting').exists()).toBe(false)
    expect(wrapper.find('[data-test=page-dashboard]').exists()).toBe(true)
    expect(wrapper.get('#nav-dashboard').classes()).toContain('is-active')
    expect(wrapper.get('#sandbox-badge').text()).toBe('沙箱')
  })

  it('shows the start-up failure and the way to Settings', async () => {
    mockCore({ desk_status: () => ({ state: 'failed', message: 'the simulator did not start: port in use' }) })
    const { wrapper } = await mountApp('/dashboard')
    await flushPromises()
    expect(wrapper.get('#boot-failed').text()).toContain('the simulator did not start: port in use')
    expect(wrapper.find('[data-test=page-dashboard]').exists()).toBe(false)
  })

  it('keeps waiting while the core starts', async () => {
    mockCore({ desk_status: () => new Promise(() => {}) })
    const { wrapper } = await mountApp('/dashboard')
    expect(wrapper.find('#boot-starting').exists()).toBe(true)
  })

  it('goes to a section when its item is clicked, and keeps it highlighted on its detail pages', async () => {
    mockCore({ about: () => new Promise(() => {}) })
    const { wrapper, router } = await mountApp()
    await flushPromises()

    await wrapper.get('#nav-campaigns').trigger('click')
    // Pages load lazily: the route changes once the page's code has loaded.
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/campaigns'))
    expect(wrapper.get('#nav-campaigns').classes()).toContain('is-active')

    await router.push('/mini-programs/wx123')
    await flushPromises()
    expect(wrapper.get('#nav-miniPrograms').classes()).toContain('is-active')

    await wrapper.get('#nav-about').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/about'))
    await flushPromises()
    expect(wrapper.find('[data-test=page-about]').exists()).toBe(true)
    expect(wrapper.find('#about-loading').exists()).toBe(true)
  })
})
