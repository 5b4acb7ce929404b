import { describe, expect, it } from 'vitest'
import { mockCore } from './ipc'
import { mountPage } from './mounted'
import type { AppRow } from '../src/bindings'

function row(appid: string, state: AppRow['state'], status: AppRow['status'] = 'authorized'): AppRow {
  return {
    appid,
    nick_name: appid,
    principal_name: '',
    status,
    state,
    online_version: null,
    latest_version: null,
    template_id: null,
    granted: [],
    authorized_at: 1,
    updated_at: 1,
  } as AppRow
}

describe('dashboard', () => {
  it('counts authorized mini programs by state and shows the health lights', async () => {
    mockCore({
      mark_interactive: () => null,
      app_rows: () => [row('wx1', 'online'), row('wx2', 'online'), row('wx3', 'auditing'), row('wx4', 'none'), row('wx5', 'online', 'revoked')],
      ticket_statuses: () => [{ component_appid: 'wxdemo0000000001', received_at: Date.now() - 60_000, create_time: 1, age_ms: 60_000, valid: true }],
      relay_status: () => ({ state: { state: 'connected' }, lag: 0, last_event_at: Date.now(), gap: false }),
      audit_quota: () => ({ rest: 18, limit: 20, speedup_rest: 1, speedup_limit: 1 }),
      inbox: () => [],
      campaigns: () => [],
    })
    const { wrapper } = await mountPage('/dashboard')
    const counts = Object.fromEntries(wrapper.findAll('[data-test=dash-state]').map((s) => [s.attributes('data-state'), Number(s.attributes('data-count'))]))
    expect(counts).toEqual({ none: 1, committed: 0, auditing: 1, audit_failed: 0, audit_delayed: 0, pending_release: 0, online: 2, gray: 0 })
    expect(wrapper.get('#dash-ticket').attributes('data-ok')).toBe('true')
    expect(wrapper.get('#dash-relay').attributes('data-ok')).toBe('true')
    expect(wrapper.get('#dash-quota').attributes('data-rest')).toBe('18')
  })

  it('keeps the other cards when one source fails', async () => {
    mockCore({
      mark_interactive: () => null,
      app_rows: () => [row('wx1', 'online')],
      ticket_statuses: () => [],
      relay_status: () => null,
      audit_quota: () => Promise.reject({ code: 'wechat', message: 'quota failed', errcode: 61007, class: 'final' }),
      inbox: () => [],
      campaigns: () => [],
    })
    const { wrapper } = await mountPage('/dashboard')
    expect(wrapper.get('#dash-quota [data-test=problem]').attributes('data-errcode')).toBe('61007')
    expect(wrapper.get('[data-test=dash-state][data-state=online]').attributes('data-count')).toBe('1')
    expect(wrapper.get('#dash-ticket').attributes('data-ok')).toBe('false')
  })
})
