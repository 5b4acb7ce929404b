import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { clearMocks } from '@tauri-apps/api/mocks'
import { DEMO_PLATFORM, mockCore } from './ipc'
import { mountApp } from './mount'
import { appRow, manyRows } from './apps-rows'
import { deliverFleetEvent } from '../src/stores/desk'

const mounted: { unmount: () => void }[] = []
async function open(path: string) {
  const app = await mountApp(path)
  mounted.push(app.wrapper)
  return app
}

afterEach(() => {
  mounted.splice(0).forEach((w) => w.unmount())
  clearMocks()
  document.body.innerHTML = ''
})

const ROWS = [
  appRow({ appid: 'wxaaa', nick_name: 'Alpha <b>咖啡</b>', state: 'online', online_version: '1.0.0' }),
  appRow({ appid: 'wxbbb', nick_name: 'Beta 面包', state: 'audit_failed' }),
  appRow({ appid: 'wxccc', nick_name: 'Gamma 茶', state: 'committed' }),
]

describe('Mini programs list', () => {
  it('lists the rows of the platform with their state, names as text', async () => {
    const calls = mockCore({ app_rows: () => ROWS })
    const { wrapper } = await open('/mini-programs')
    expect(calls.find((c) => c.cmd === 'app_rows')?.args).toEqual({ componentAppid: DEMO_PLATFORM.component_appid })
    const rows = wrapper.findAll('[data-test="app-row"]')
    expect(rows.map((r) => r.attributes('data-appid'))).toEqual(['wxaaa', 'wxbbb', 'wxccc'])
    expect(rows[0].text()).toContain('Alpha <b>咖啡</b>')
    expect(rows[0].find('b').exists()).toBe(false)
    expect(rows[1].find('[data-test="app-state"]').attributes('data-state')).toBe('audit_failed')
    expect(wrapper.find('#apps-count').text()).toContain('3 / 3')
  })

  it('takes the search from ?q=', async () => {
    mockCore({ app_rows: () => ROWS })
    const { wrapper } = await open('/mini-programs?q=beta')
    expect((wrapper.find('#apps-search').element as HTMLInputElement).value).toBe('beta')
    expect(wrapper.findAll('[data-test="app-row"]').map((r) => r.attributes('data-appid'))).toEqual(['wxbbb'])
    expect(wrapper.find('#apps-count').text()).toContain('1 / 3')
  })

  it('turns two selected rows into a campaign link with their appids', async () => {
    mockCore({ app_rows: () => ROWS })
    const { wrapper, router } = await open('/mini-programs')
    expect(wrapper.find('#apps-create-campaign').attributes('disabled')).toBeDefined()
    await wrapper.find('[data-test="app-select"][data-appid="wxaaa"]').setValue(true)
    await wrapper.find('[data-test="app-select"][data-appid="wxccc"]').setValue(true)
    expect(router.currentRoute.value.path).toBe('/mini-programs')
    await wrapper.find('#apps-create-campaign').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/campaigns/new'))
    expect(router.currentRoute.value.query.appids).toBe('wxaaa,wxccc')
  })

  it('opens a mini program on row click', async () => {
    mockCore({ app_rows: () => ROWS, authorizer: () => new Promise(() => {}) })
    const { wrapper, router } = await open('/mini-programs')
    await wrapper.find('[data-test="app-row"][data-appid="wxbbb"]').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/mini-programs/wxbbb'))
  })

  it('renders only a window of 10,000 rows, and reloads on a release event', async () => {
    let answers = 0
    mockCore({
      app_rows: () => {
        answers++
        return manyRows(10_000)
      },
    })
    const { wrapper } = await open('/mini-programs')
    const shown = wrapper.findAll('[data-test="app-row"]').length
    expect(shown).toBeGreaterThan(10)
    expect(shown).toBeLessThan(100)
    expect(wrapper.find('#apps-count').text()).toContain('10000 / 10000')
    const before = answers
    deliverFleetEvent({ type: 'release_changed', appid: 'wx1', what: 'released' })
    deliverFleetEvent({ type: 'authorizer_changed', appid: 'wx2', status: 'authorized' })
    await new Promise((r) => setTimeout(r, 350))
    await flushPromises()
    expect(answers).toBe(before + 1)
  })

  it('shows a failure inline', async () => {
    mockCore({ app_rows: () => Promise.reject({ code: 'store', message: 'database is locked', class: 'retry' }) })
    const { wrapper } = await open('/mini-programs')
    expect(wrapper.find('[data-test="problem"]').text()).toContain('database is locked')
  })
})
