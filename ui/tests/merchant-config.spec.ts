import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { clearMocks } from '@tauri-apps/api/mocks'
import { mockCore } from './ipc'
import { mountApp } from './mount'
import type { ExtDiff, ExtRevision } from '../src/bindings'

const APPID = 'wxmerchant000001'
const SCHEMA = {
  type: 'object',
  required: ['shopName'],
  properties: {
    shopName: { type: 'string', title: '店铺名称' },
    theme: { type: 'object', properties: { primary: { type: 'string', format: 'color', default: '#112233' } } },
  },
}
const TEMPLATE = { template_id: 5, user_version: '1.2.0', user_desc: 'd', create_time: 1, gone_at: null, template_type: 0 }
function revision(id: number, config: unknown): ExtRevision {
  return { id, appid: APPID, template_id: 5, config: config as never, actor: 'me', created_at: 1_763_000_000_000, committed_at: null }
}
const DIFF: ExtDiff = {
  appid: APPID,
  from_revision: 1,
  to_revision: 2,
  from_template: 5,
  to_template: 5,
  changes: [{ path: '/ext/shopName', op: 'replace', old: '旧店', new: '<b>新店</b>' }],
}

afterEach(() => {
  clearMocks()
  document.body.innerHTML = ''
})

function core(extra: Record<string, (a: Record<string, unknown>) => unknown> = {}) {
  return mockCore({
    authorizer: () => ({ authorizer: { appid: APPID, nick_name: '小店' }, info: null }),
    templates: () => [TEMPLATE],
    template_meta: () => ({ ext_schema: SCHEMA }),
    ext_config: () => null,
    ext_diff_against_committed: () => DIFF,
    ext_history: () => [],
    check_ext_config: () => [],
    ...extra,
  })
}

describe('Merchant configuration', () => {
  it('starts a new configuration from the defaults and saves the JSON', async () => {
    const calls = core({ set_ext_config: (a) => revision(3, a.config) })
    const { wrapper } = await mountApp(`/mini-programs/${APPID}/config`)
    expect(wrapper.get('#config-app-name').text()).toBe('小店')
    expect((wrapper.get('#ext-field-ext-theme-primary').element as HTMLInputElement).value).toBe('#112233')
    await wrapper.get('#ext-field-ext-shopName').setValue('好店')
    await wrapper.get('#ext-save').trigger('click')
    await flushPromises()
    const save = calls.find((c) => c.cmd === 'set_ext_config')!
    expect(save.args).toEqual({ appid: APPID, templateId: 5, config: { ext: { theme: { primary: '#112233' }, shopName: '好店' } } })
  })

  it('shows each issue of a refused save at its field', async () => {
    core({
      ext_config: () => revision(2, { ext: { shopName: 'x' }, window: { navigationBarTitleText: 1 } }),
      set_ext_config: () => {
        throw {
          code: 'invalid',
          message: 'ext_json: 2 problems:\n  /ext/theme/primary: "red" is not a "color"\n  /window/navigationBarTitleText: must be a string',
          class: 'final',
        }
      },
    })
    const { wrapper } = await mountApp(`/mini-programs/${APPID}/config`)
    await wrapper.get('#ext-save').trigger('click')
    await flushPromises()
    const at = (p: string) => wrapper.findAll(`[data-test=ext-issue][data-pointer="${p}"]`)
    expect(at('/ext/theme/primary')).toHaveLength(1)
    expect(wrapper.get('[data-test=ext-field][data-pointer="/ext/theme/primary"] [data-test=ext-issue]').text()).toBe('"red" is not a "color"')
    // Not a field of the form: listed below it, still by pointer.
    expect(wrapper.get('[data-test=ext-other-issues] [data-pointer="/window/navigationBarTitleText"]').text()).toContain('must be a string')
    expect(wrapper.find('[data-test=problem]').exists()).toBe(true)
  })

  it('checks live and shows the issues the core finds', async () => {
    const calls = core({ check_ext_config: () => [{ pointer: '/ext/shopName', message: 'required, but not set' }] })
    const { wrapper } = await mountApp(`/mini-programs/${APPID}/config`)
    await new Promise((r) => setTimeout(r, 500))
    await flushPromises()
    expect(calls.filter((c) => c.cmd === 'check_ext_config').length).toBeGreaterThan(0)
    expect(wrapper.get('[data-test=ext-field][data-pointer="/ext/shopName"] [data-test=ext-issue]').text()).toBe('required, but not set')
    expect(wrapper.get('[data-test=ext-check-state]').attributes('data-state')).toBe('invalid')
  })

  it('renders the diff against the last commit as text', async () => {
    core()
    const { wrapper } = await mountApp(`/mini-programs/${APPID}/config`)
    const change = wrapper.get('#ext-diff [data-test=ext-change]')
    expect(change.attributes('data-pointer')).toBe('/ext/shopName')
    expect(change.get('[data-test=ext-change-old]').text()).toBe('"旧店"')
    expect(change.get('[data-test=ext-change-new]').text()).toBe('"<b>新店</b>"')
    expect(change.find('b').exists()).toBe(false)
  })

  it('compares two revisions of the history', async () => {
    const calls = core({
      ext_history: () => [revision(4, { ext: { shopName: 'b' } }), revision(3, { ext: { shopName: 'a' } })],
      ext_diff: () => [{ path: '/ext/shopName', op: 'replace', old: 'a', new: 'b' }],
    })
    const { wrapper } = await mountApp(`/mini-programs/${APPID}/config`)
    expect(wrapper.findAll('#ext-history [data-test=ext-revision]').map((r) => r.attributes('data-id'))).toEqual(['4', '3'])
    await wrapper.get('#ext-compare').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'ext_diff')!.args).toEqual({ appid: APPID, fromRev: 3, toRev: 4 })
    expect(wrapper.get('[data-test=ext-compared] [data-test=ext-change-new]').text()).toBe('"b"')
  })

  it('without a schema, edits ext as JSON and refuses what does not parse', async () => {
    const calls = core({ template_meta: () => ({ ext_schema: null }), set_ext_config: (a) => revision(3, a.config) })
    const { wrapper } = await mountApp(`/mini-programs/${APPID}/config`)
    expect(wrapper.find('[data-test=ext-no-schema]').exists()).toBe(true)
    await wrapper.get('#ext-raw').setValue('{ "shopName": ')
    expect(wrapper.get('[data-test=ext-raw-error]').text()).toContain('JSON')
    expect(wrapper.get('#ext-save').attributes('disabled')).toBeDefined()
    await wrapper.get('#ext-raw').setValue('{ "shopName": "店" }')
    expect(wrapper.find('[data-test=ext-raw-error]').exists()).toBe(false)
    await wrapper.get('#ext-save').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'set_ext_config')!.args.config).toEqual({ ext: { shopName: '店' } })
  })
})
