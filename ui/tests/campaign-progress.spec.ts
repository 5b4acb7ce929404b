import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { clearMocks } from '@tauri-apps/api/mocks'
import { mockCore } from './ipc'
import { mountApp as mount } from './mount'
import { authorizer, campaign, item } from './campaign-fixtures'
import { deliverFleetEvent } from '../src/stores/desk'
import type { CampaignView } from '../src/bindings'

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

const PROBLEM_85009 = {
  code: 'wechat',
  message: 'errcode 85009: 已经有正在审核的版本',
  errcode: 85009,
  meaning_zh: '已有审核中的版本',
  meaning_en: 'A version is already under audit',
  remedy_zh: '先撤回审核或等待审核结束',
  remedy_en: 'Withdraw the audit or wait for it to finish',
  class: 'final',
}

function core(view: () => CampaignView) {
  return mockCore({
    campaign: () => view(),
    authorizers: () => [authorizer('wx1', '<i>奶茶</i>')],
    pause_campaign: () => view().campaign,
    cancel_campaign: () => view().campaign,
    resume_campaign: () => view().campaign,
    release_campaign_items: () => 1,
    explain_errcode: () => PROBLEM_85009,
  })
}

async function confirmBox() {
  await vi.waitFor(() => expect(document.querySelector('.el-message-box')).not.toBeNull())
  ;(document.querySelector('.el-message-box__btns .el-button--primary') as HTMLElement).click()
  await flushPromises()
}

describe('campaign progress', () => {
  it('shows counts, step bars and a failed item with its errcode meaning and remedy', async () => {
    core(() =>
      campaign(3, 'running', [
        item(1, 'wx1', 'submitted', { committed_at: 1, submitted_at: 2 }),
        item(2, 'wx2', 'failed', { errcode: 85009, problem: PROBLEM_85009, committed_at: 1 }),
        item(3, 'wx3', 'pending'),
      ]),
    )
    const { wrapper } = await mountApp('/campaigns/3')
    expect(wrapper.get('#campaign-state').attributes('data-state')).toBe('running')
    expect(wrapper.get('#campaign-done').text()).toBe('1')
    expect(wrapper.get('#campaign-failed').text()).toBe('1')
    expect(wrapper.get('#campaign-total').text()).toBe('3')
    expect(wrapper.get('[data-test=campaign-step][data-step=commit]').attributes('data-done')).toBe('2')
    expect(wrapper.get('[data-test=campaign-step][data-step=submit]').attributes('data-done')).toBe('1')
    const failed = wrapper.get('[data-test=campaign-item][data-appid=wx2]')
    expect(failed.attributes('data-state')).toBe('failed')
    const error = failed.get('[data-test=campaign-item-error]').text()
    expect(error).toContain('85009')
    expect(error).toContain('已有审核中的版本')
    expect(error).toContain('先撤回审核或等待审核结束')
    // A merchant's nickname with markup is text.
    const first = wrapper.get('[data-test=campaign-item][data-appid=wx1]')
    expect(first.text()).toContain('<i>奶茶</i>')
    expect(first.find('i').exists()).toBe(false)
  })

  it('explains an errcode the item carries without a meaning', async () => {
    const calls = core(() => campaign(3, 'done', [item(2, 'wx2', 'failed', { errcode: 85009, problem: null })]))
    const { wrapper } = await mountApp('/campaigns/3')
    await flushPromises()
    expect(calls.some((c) => c.cmd === 'explain_errcode' && c.args.errcode === 85009)).toBe(true)
    expect(wrapper.get('[data-test=campaign-item-error]').text()).toContain('先撤回审核或等待审核结束')
  })

  it('re-reads the campaign on its progress event, not on another campaign’s', async () => {
    let state: 'running' | 'waiting_canary' = 'running'
    const calls = core(() => campaign(3, state, [item(1, 'wx1', state === 'running' ? 'committing' : 'submitted', { canary: true })]))
    const { wrapper } = await mountApp('/campaigns/3')
    // The shell may show the page twice while it boots (status is app-wide): count from here.
    const base = calls.filter((c) => c.cmd === 'campaign').length
    const reads = () => calls.filter((c) => c.cmd === 'campaign').length - base
    expect(base).toBeGreaterThan(0)

    deliverFleetEvent({ type: 'campaign_progress', campaign_id: 99, state: 'running', done: 0, failed: 0, total: 1 })
    await new Promise((r) => setTimeout(r, 300))
    await flushPromises()
    expect(reads()).toBe(0)

    state = 'waiting_canary'
    deliverFleetEvent({ type: 'campaign_progress', campaign_id: 3, state: 'waiting_canary', done: 0, failed: 0, total: 1 })
    await vi.waitFor(() => expect(reads()).toBe(1))
    await flushPromises()
    expect(wrapper.get('#campaign-state').attributes('data-state')).toBe('waiting_canary')
    expect(wrapper.get('[data-test=campaign-item]').attributes('data-state')).toBe('submitted')
    // The canary gate: continue resumes.
    await wrapper.get('#campaign-continue').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.cmd === 'resume_campaign')).toEqual([{ cmd: 'resume_campaign', args: { id: 3 } }])
  })

  it('throttles a burst of events to a few reads', async () => {
    const calls = core(() => campaign(3, 'running', [item(1, 'wx1', 'committing')]))
    await mountApp('/campaigns/3')
    const base = calls.filter((c) => c.cmd === 'campaign').length
    for (let i = 0; i < 20; i++) deliverFleetEvent({ type: 'campaign_progress', campaign_id: 3, state: 'running', done: 0, failed: 0, total: 1 })
    await new Promise((r) => setTimeout(r, 400))
    await flushPromises()
    expect(calls.filter((c) => c.cmd === 'campaign').length - base).toBe(2)
  })

  it('renders only a window of a long campaign', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => item(i + 1, `wx${i}`, 'pending'))
    core(() => campaign(3, 'running', many))
    const { wrapper } = await mountApp('/campaigns/3')
    expect(wrapper.get('#campaign-total').text()).toBe('1000')
    const rendered = wrapper.findAll('[data-test=campaign-item]')
    expect(rendered.length).toBeGreaterThan(5)
    expect(rendered.length).toBeLessThan(60)
    expect(rendered[0].attributes('data-appid')).toBe('wx0')
  })

  it('pauses at once and cancels only after confirmation', async () => {
    const calls = core(() => campaign(3, 'running', [item(1, 'wx1', 'committing')]))
    const { wrapper } = await mountApp('/campaigns/3')
    await wrapper.get('#campaign-pause').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.cmd === 'pause_campaign')).toEqual([{ cmd: 'pause_campaign', args: { id: 3 } }])

    await wrapper.get('#campaign-cancel').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.cmd === 'cancel_campaign')).toBe(false)
    await confirmBox()
    expect(calls.filter((c) => c.cmd === 'cancel_campaign')).toEqual([{ cmd: 'cancel_campaign', args: { id: 3 } }])
  })

  it('releases the audited items after confirmation', async () => {
    const calls = core(() => campaign(3, 'done', [item(1, 'wx1', 'audit_passed'), item(2, 'wx2', 'released')]))
    const { wrapper } = await mountApp('/campaigns/3')
    expect(wrapper.get('#campaign-release').text()).toContain('1')
    await wrapper.get('#campaign-release').trigger('click')
    await confirmBox()
    expect(calls.filter((c) => c.cmd === 'release_campaign_items')).toEqual([{ cmd: 'release_campaign_items', args: { id: 3, appids: null } }])
  })
})
