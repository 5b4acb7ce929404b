import { describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { DEMO_PLATFORM, mockCore } from './ipc'
import { mountPage } from './mounted'
import { aesKeyProblem } from '../src/components/settings/platformRules'

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'

function core(extra: Record<string, (a: Record<string, unknown>) => unknown> = {}) {
  return mockCore({
    ticket_statuses: () => [{ component_appid: DEMO_PLATFORM.component_appid, received_at: Date.now() - 120_000, create_time: 1, age_ms: 120_000, valid: true }],
    add_platform: (a) => ({ ...DEMO_PLATFORM, component_appid: (a.input as { component_appid: string }).component_appid, sandbox: false }),
    mark_interactive: () => null,
    diagnostics: () => 'wxfleet 0.1.0\nplatform wxdemo0000000001',
    ...extra,
  })
}

async function fill(wrapper: Awaited<ReturnType<typeof mountPage>>['wrapper'], values: Record<string, string>) {
  for (const [id, v] of Object.entries(values)) await wrapper.get(id).setValue(v)
}

describe('settings', () => {
  it('checks the EncodingAESKey: 43 letters or digits', () => {
    expect(aesKeyProblem(KEY)).toBeNull()
    expect(aesKeyProblem(KEY.slice(1))).toBe(42)
    expect(aesKeyProblem(KEY.slice(1) + '=')).toBe(43)
    expect(aesKeyProblem(` ${KEY} `)).toBeNull()
  })

  it('lists the platforms with their ticket age', async () => {
    core()
    const { wrapper } = await mountPage('/settings')
    const row = wrapper.get('[data-test=platform-row]')
    expect(row.attributes('data-appid')).toBe('wxdemo0000000001')
    expect(wrapper.get('[data-test=ticket-state]').attributes('data-valid')).toBe('true')
    expect(wrapper.text()).toContain('2 min')
  })

  it('refuses a short key before calling the core, then saves and forgets the secrets', async () => {
    const calls = core()
    const { wrapper } = await mountPage('/settings')
    await wrapper.get('#settings-add-platform').trigger('click')
    for (const id of ['#platform-secret', '#platform-token', '#platform-aeskey', '#platform-relay-credential']) {
      expect(wrapper.get(id).attributes('type')).toBe('password')
    }
    await fill(wrapper, { '#platform-appid': 'wxreal00000000001', '#platform-secret': 's3cret', '#platform-token': 'tok', '#platform-aeskey': 'short' })
    await wrapper.get('#platform-save').trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.text()).toContain('43'))
    expect(calls.some((c) => c.cmd === 'add_platform')).toBe(false)

    // A relay half filled in is refused too.
    await fill(wrapper, { '#platform-aeskey': KEY, '#platform-relay-url': 'https://relay.example.com' })
    await wrapper.get('#platform-save').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.cmd === 'add_platform')).toBe(false)

    await fill(wrapper, { '#platform-relay-id': 'agency', '#platform-relay-credential': 'devcred' })
    await wrapper.get('#platform-save').trigger('click')
    await vi.waitFor(() => expect(calls.some((c) => c.cmd === 'add_platform')).toBe(true))
    expect(calls.find((c) => c.cmd === 'add_platform')!.args.input).toEqual({
      component_appid: 'wxreal00000000001',
      name: 'wxreal00000000001',
      appsecret: 's3cret',
      token: 'tok',
      encoding_aes_key: KEY,
      relay: { url: 'https://relay.example.com', platform_id: 'agency', credential: 'devcred' },
      proxy_url: null,
    })
    await flushPromises()
    // Secrets are never rendered back.
    expect(document.body.innerHTML).not.toContain('s3cret')
    expect(document.body.innerHTML).not.toContain(KEY)
    expect(document.body.innerHTML).not.toContain('devcred')
  })

  it('copies the diagnostics and shows them in a text area', async () => {
    const writeText = vi.fn(() => Promise.resolve())
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    core()
    const { wrapper } = await mountPage('/settings')
    await wrapper.get('#settings-copy-diagnostics').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith('wxfleet 0.1.0\nplatform wxdemo0000000001')
    await vi.waitFor(() => expect((document.querySelector('#settings-diagnostics-text') as HTMLTextAreaElement).value).toContain('wxdemo0000000001'))
  })

  it('resets the sandbox only after confirmation', async () => {
    const calls = core({ reset_sandbox: () => ({ state: 'ready', sandbox: true, simulator_url: 'http://127.0.0.1:1', workspace: '/tmp/w', key_source: 'key file' }) })
    const { wrapper } = await mountPage('/settings')
    await wrapper.get('#settings-reset-sandbox').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.cmd === 'reset_sandbox')).toBe(false)
    await vi.waitFor(() => expect(document.querySelector('.el-message-box')).not.toBeNull())
    ;(document.querySelector('.el-message-box__btns .el-button--primary') as HTMLElement).click()
    await vi.waitFor(() => expect(calls.some((c) => c.cmd === 'reset_sandbox')).toBe(true))
  })
})
