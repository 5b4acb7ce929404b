import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { READY } from './ipc'
import type { About, SelfTestCase } from '../src/bindings'
import { mountApp } from './mount'

function about(cases: SelfTestCase[]): About {
  return {
    appVersion: '0.1.0',
    tauriVersion: '2.12.5',
    wechatVersion: '0.1.0',
    os: 'linux',
    arch: 'x86_64',
    selfTest: { passed: cases.filter((c) => c.ok).length, failed: cases.filter((c) => !c.ok).length, cases },
  }
}

function answerAbout(result: About) {
  const calls: string[] = []
  mockIPC((cmd) => {
    // The shell's own start-up calls are not the page's.
    if (cmd === 'desk_status') return READY
    if (cmd === 'platforms') return []
    if (cmd === 'mark_interactive') return null
    if (cmd.startsWith('plugin:event|')) return 1
    calls.push(cmd)
    if (cmd === 'about') return result
    throw new Error(`unexpected command ${cmd}`)
  })
  return calls
}

afterEach(() => {
  clearMocks()
  document.body.innerHTML = ''
})

describe('About page', () => {
  it('shows the versions and every passing case', async () => {
    const calls = answerAbout(
      about([
        { name: 'official MP sample: decrypt', ok: true, detail: null },
        { name: 'official MP sample: signature', ok: true, detail: null },
      ]),
    )
    const { wrapper } = await mountApp('/about')

    expect(calls).toEqual(['about'])
    expect(wrapper.get('#about-app-version').text()).toBe('0.1.0')
    expect(wrapper.get('#about-tauri-version').text()).toBe('2.12.5')
    expect(wrapper.get('#about-platform').text()).toBe('linux / x86_64')
    const summary = wrapper.get('#selftest-summary')
    expect(summary.text()).toBe('通过 2 项，失败 0 项')
    expect(summary.attributes('data-state')).toBe('passed')
    const rows = wrapper.findAll('[data-test=selftest-case]')
    expect(rows.map((r) => r.get('.case-mark').text())).toEqual(['✓', '✓'])
    expect(rows[0].text()).toContain('official MP sample: decrypt')
    expect(wrapper.find('#selftest-ok').exists()).toBe(true)
    expect(wrapper.find('#selftest-warning').exists()).toBe(false)
  })

  it('warns when any case failed, and shows what failed', async () => {
    answerAbout(
      about([
        { name: 'official MP sample: decrypt', ok: true, detail: null },
        { name: 'wechatpy vector: encrypt', ok: false, detail: 'expected abc, got abd' },
      ]),
    )
    const { wrapper } = await mountApp('/about', 'en')

    const summary = wrapper.get('#selftest-summary')
    expect(summary.text()).toBe('1 passed, 1 failed')
    expect(summary.attributes('data-state')).toBe('failed')
    expect(summary.attributes('data-failed')).toBe('1')
    expect(wrapper.get('#selftest-warning').text()).toContain('1 self-test case(s) failed')
    expect(wrapper.findAll('#selftest-warning .failed-names li').map((li) => li.text())).toEqual(['wechatpy vector: encrypt'])
    expect(wrapper.find('#selftest-ok').exists()).toBe(false)
    const failed = wrapper.findAll('[data-test=selftest-case]')[1]
    expect(failed.attributes('data-ok')).toBe('false')
    expect(failed.get('.case-mark').text()).toBe('✗')
    expect(failed.get('.case-detail').text()).toBe('expected abc, got abd')
  })

  it('says so when the build has no vectors, rather than claiming success', async () => {
    answerAbout(about([]))
    const { wrapper } = await mountApp('/about')

    expect(wrapper.get('#selftest-summary').attributes('data-state')).toBe('empty')
    expect(wrapper.find('#selftest-empty').exists()).toBe(true)
    expect(wrapper.find('#selftest-ok').exists()).toBe(false)
    expect(wrapper.findAll('[data-test=selftest-case]')).toHaveLength(0)
  })

  it('renders names and details as text, never as markup', async () => {
    answerAbout(about([{ name: '<img src=x onerror=alert(1)>', ok: false, detail: '<b>bold</b>' }]))
    const { wrapper } = await mountApp('/about')

    const row = wrapper.get('[data-test=selftest-case]')
    expect(row.find('img').exists()).toBe(false)
    expect(row.find('b').exists()).toBe(false)
    expect(row.get('.case-name').text()).toBe('<img src=x onerror=alert(1)>')
    expect(row.get('.case-detail').text()).toBe('<b>bold</b>')
  })

  it('shows the error when the command cannot be reached', async () => {
    mockIPC(() => {
      throw 'Command about not found'
    })
    const { wrapper } = await mountApp('/about')
    await flushPromises()

    expect(wrapper.get('#about-error').text()).toContain('Command about not found')
    expect(wrapper.find('#selftest-summary').exists()).toBe(false)
  })
})
