import { describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { mockCore } from './ipc'
import { mountPage } from './mounted'
import { deliverFleetEvent } from '../src/stores/desk'
import type { InboxItem, InboxItemDetail } from '../src/bindings'

function inboxItem(id: number, kind: string, state: InboxItem['state'], extra: Partial<InboxItem> = {}): InboxItem {
  return {
    id,
    component_appid: 'wxdemo0000000001',
    relay_seq: id,
    source: 'relay',
    appid: 'wx1',
    subject: null,
    kind,
    received_at: 1_763_000_000_000,
    stored_at: 1_763_000_000_000,
    create_time: 1,
    opened: true,
    failed_step: null,
    failed_code: null,
    failed_detail: null,
    state,
    handled: state === 'handled',
    duplicate_of: null,
    attempts: 1,
    last_error: null,
    next_attempt_at: null,
    handled_at: null,
    ...extra,
  }
}

const FAILED = inboxItem(2, 'weapp_audit_success', 'failed', { failed_step: 'decrypt', failed_code: -40007, failed_detail: 'bad padding' })
const DETAIL: InboxItemDetail = {
  item: FAILED,
  query: 'signature=abc&timestamp=1&nonce=2&msg_signature=<x>',
  body: '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[<script>alert(1)</script>]]></Encrypt></xml>',
  xml: null,
  event: null,
  diagnosis: { ok: false, step: 'decrypt', code: -40007, message: 'AES decryption failed', hint: 'Check the EncodingAESKey', kind: null, dedup_key: null, xml: null, receive_id: null },
}

function core() {
  return mockCore({
    mark_interactive: () => null,
    inbox: () => [inboxItem(1, 'component_verify_ticket', 'handled'), FAILED],
    inbox_item: () => DETAIL,
    retry_inbox_item: () => ({ ...FAILED, state: 'handled' }),
  })
}

describe('events', () => {
  it('lists pushes and shows a failed one raw, as text, with its failing step, and retries it', async () => {
    const calls = core()
    const { wrapper } = await mountPage('/events')
    const rows = wrapper.findAll('[data-test=inbox-row]')
    expect(rows.map((r) => r.attributes('data-kind'))).toEqual(['component_verify_ticket', 'weapp_audit_success'])
    await rows[1].trigger('click')
    await vi.waitFor(() => expect(document.querySelector('#inbox-detail-body')).not.toBeNull())
    await flushPromises()
    const body = document.querySelector('#inbox-detail-body')!
    expect(body.textContent).toBe(DETAIL.body)
    expect(body.querySelector('xml, script')).toBeNull()
    expect(document.querySelector('#inbox-detail-query')!.textContent).toBe(DETAIL.query)
    expect(document.querySelector('#inbox-detail-step')!.textContent).toBe('decrypt')
    expect(document.querySelector('#inbox-detail-code')!.textContent).toBe('-40007')
    expect(document.querySelector('#inbox-detail')!.textContent).toContain('AES decryption failed')
    ;(document.querySelector('#inbox-retry') as HTMLElement).click()
    await vi.waitFor(() => expect(calls.filter((c) => c.cmd === 'retry_inbox_item')).toEqual([{ cmd: 'retry_inbox_item', args: { id: 2 } }]))
  })

  it('filters by state and reloads on a push', async () => {
    const calls = core()
    await mountPage('/events')
    const base = calls.filter((c) => c.cmd === 'inbox').length
    deliverFleetEvent({ type: 'push_received', inbox_id: 3, kind: 'authorized', ok: true })
    await vi.waitFor(() => expect(calls.filter((c) => c.cmd === 'inbox').length).toBe(base + 1))
    expect(calls.find((c) => c.cmd === 'inbox')!.args.filter).toMatchObject({ platform: 'wxdemo0000000001', state: null })
  })

  it('diagnoses a pasted push', async () => {
    const calls = mockCore({
      mark_interactive: () => null,
      inbox: () => [],
      diagnose_push: () => ({ ok: false, step: 'signature', code: -40001, message: 'signature mismatch', hint: 'Token?', kind: null, dedup_key: null, xml: null, receive_id: null }),
    })
    const { wrapper } = await mountPage('/events')
    await wrapper.get('#events-tab-diagnose').trigger('click')
    await flushPromises()
    await wrapper.get('#diagnose-query').setValue('?signature=a&timestamp=1')
    await wrapper.get('#diagnose-body').setValue('<xml/>')
    await wrapper.get('#diagnose-run').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'diagnose_push')!.args).toEqual({ componentAppid: 'wxdemo0000000001', query: 'signature=a&timestamp=1', body: '<xml/>' })
    expect(wrapper.get('#diagnose-result').attributes('data-step')).toBe('signature')
  })
})

describe('relay panel', () => {
  it('shows whether the relay is reachable and this device accepted', async () => {
    mockCore({
      mark_interactive: () => null,
      inbox: () => [],
      relay_status: () => ({ state: { state: 'connected' }, lag: 0, last_event_at: 1, gap: false }),
      check_relay: () => ({ platform: 'demo', relay_url: 'http://r', healthy: true, credential_accepted: true, waiting: 0, cursor: 1, component_push_url: null, message_push_url: null, problem: null }),
    })
    const { wrapper } = await mountPage('/events')
    await wrapper.get('#events-tab-relay').trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(document.querySelector('#relay-healthy')?.getAttribute('data-ok')).toBe('true'))
    expect(document.querySelector('#relay-state')?.getAttribute('data-state')).toBe('connected')
  })
})
