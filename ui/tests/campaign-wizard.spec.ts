import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { clearMocks } from '@tauri-apps/api/mocks'
import { mockCore } from './ipc'
import { mountApp as mount } from './mount'
import { authorizer, campaign, item, template } from './campaign-fixtures'
import type { CampaignSpec, PreflightReport } from '../src/bindings'

const mounted: { unmount: () => void }[] = []
async function mountApp(path: string) {
  const app = await mount(path)
  mounted.push(app.wrapper)
  return app
}

afterEach(() => {
  mounted.splice(0).forEach((w) => w.unmount())
  clearMocks()
  document.body.innerHTML = ''
})

const APPS = [authorizer('wx1', '奶茶一号'), authorizer('wx2', '奶茶二号'), authorizer('wx3', '咖啡')]

function core(preflight: (spec: CampaignSpec) => PreflightReport[]) {
  return mockCore({
    templates: () => [template(5, '1.0.0'), template(9, '2.0.0')],
    authorizers: () => APPS,
    preflight_campaign: (a) => preflight(a.spec as CampaignSpec),
    create_campaign: (a) => campaign(42, 'ready', (a.spec as { targets: { list: string[] } }).targets.list.map((x, i) => item(i + 1, x, 'pending'))),
    start_campaign: () => campaign(42, 'running', []).campaign,
    campaign: () => campaign(42, 'running', []),
  })
}

async function next(wrapper: Awaited<ReturnType<typeof mountApp>>['wrapper']) {
  await wrapper.get('#wizard-next').trigger('click')
  await flushPromises()
}

describe('campaign wizard', () => {
  it('preselects the targets from ?appids=, shows pre-flight failures, creates and starts the spec it shows', async () => {
    const calls = core(() => [
      { appid: 'wx1', ok: true, checks: [{ check: 'authorization', status: 'pass', detail: 'ok' }] },
      { appid: 'wx3', ok: false, checks: [{ check: 'privacy', status: 'fail', detail: '<b>隐私指引</b> 未声明 getLocation' }] },
    ])
    const { wrapper, router } = await mountApp('/campaigns/new?appids=wx1,wx3')

    // Step 1: the newest template is chosen, its version filled in.
    expect((wrapper.get('#wizard-version').element as HTMLInputElement).value).toBe('2.0.0')
    await next(wrapper)
    // Step 2: targets from the query, not "all".
    expect((wrapper.get('#wizard-targets-all').element as HTMLInputElement).checked).toBe(false)
    expect(wrapper.get('#wizard-targets-count').text()).toContain('2')
    await next(wrapper)
    // Step 3: options.
    const canary = wrapper.get('#wizard-canary')
    await canary.setValue('1')
    await canary.trigger('blur')
    await wrapper.get('#wizard-auto-release').trigger('click')
    await wrapper.get('#wizard-auto-release').trigger('click')
    await next(wrapper)
    // Step 4: pre-flight.
    expect(wrapper.get('#wizard-create').attributes('disabled')).toBeDefined()
    await wrapper.get('#wizard-preflight-run').trigger('click')
    await flushPromises()
    const failing = wrapper.get('[data-test=preflight-app][data-ok=false]')
    expect(failing.attributes('data-appid')).toBe('wx3')
    // WeChat's / the core's text shows as text.
    expect(failing.get('[data-test=preflight-reason]').text()).toBe('<b>隐私指引</b> 未声明 getLocation')
    expect(failing.find('b').exists()).toBe(false)
    expect(wrapper.get('#wizard-preflight-results').text()).toContain('1')

    await wrapper.get('#wizard-create').trigger('click')
    await flushPromises()
    const created = calls.find((c) => c.cmd === 'create_campaign')!.args.spec as CampaignSpec
    expect(created).toMatchObject({
      platform: 'wxdemo0000000001',
      template_id: 9,
      user_version: '2.0.0',
      targets: { list: ['wx1', 'wx3'] },
      canary: 1,
      auto_release: false,
      concurrency: 8,
      rate_per_sec: null,
    })
    expect(calls.find((c) => c.cmd === 'start_campaign')!.args).toEqual({ id: 42 })
    // The pre-flight was asked about the same spec.
    expect(calls.find((c) => c.cmd === 'preflight_campaign')!.args.spec).toEqual(created)
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/campaigns/42'))
  })

  it('targets every authorized mini program without a query, and blocks when no app passes', async () => {
    const calls = core(() => [{ appid: 'wx1', ok: false, checks: [{ check: 'authorization', status: 'fail', detail: 'revoked' }] }])
    const { wrapper } = await mountApp('/campaigns/new')
    await next(wrapper)
    expect((wrapper.get('#wizard-targets-all').element as HTMLInputElement).checked).toBe(true)
    await next(wrapper)
    await next(wrapper)
    await wrapper.get('#wizard-preflight-run').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'preflight_campaign')!.args.spec).toMatchObject({ targets: 'all', canary: null })
    expect(wrapper.find('#wizard-all-failed').exists()).toBe(true)
    expect(wrapper.get('#wizard-create').attributes('disabled')).toBeDefined()
  })

  it('does not go past step 1 without a version', async () => {
    mockCore({ templates: () => [], authorizers: () => APPS })
    const { wrapper } = await mountApp('/campaigns/new')
    expect(wrapper.get('#wizard-next').attributes('disabled')).toBeDefined()
  })
})
