import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { mockCore } from './ipc'
import { mountPage } from './mounted'

describe('audit log', () => {
  it('lists entries, filters by action locally and by appid through the core', async () => {
    const calls = mockCore({
      mark_interactive: () => null,
      audit_log: (a) =>
        a.appid
          ? [{ id: 2, at: 2, actor: 'ops', action: 'app.commit', appids: ['wx1'], result: '85009', detail: '<b>x</b>' }]
          : [
              { id: 2, at: 2, actor: 'ops', action: 'app.commit', appids: ['wx1'], result: '85009', detail: '<b>x</b>' },
              { id: 1, at: 1, actor: 'ops', action: 'platform.add', appids: [], result: 'ok', detail: '' },
            ],
    })
    const { wrapper } = await mountPage('/audit-log')
    expect(wrapper.findAll('[data-test=audit-row]').map((r) => r.attributes('data-action'))).toEqual(['app.commit', 'platform.add'])
    expect(wrapper.text()).toContain('<b>x</b>')
    await wrapper.get('#audit-action').setValue('platform')
    expect(wrapper.findAll('[data-test=audit-row]').map((r) => r.attributes('data-action'))).toEqual(['platform.add'])
    await wrapper.get('#audit-action').setValue('')
    await wrapper.get('#audit-appid').setValue('wx1')
    await wrapper.get('#audit-appid').trigger('change')
    await flushPromises()
    expect(calls.filter((c) => c.cmd === 'audit_log').slice(-1)[0].args).toEqual({ appid: 'wx1', limit: 500 })
    expect(wrapper.findAll('[data-test=audit-row]')).toHaveLength(1)
  })
})
