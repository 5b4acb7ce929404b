import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { clearMocks } from '@tauri-apps/api/mocks'
import { mockCore } from './ipc'
import { mountApp } from './mount'
import type { Draft, Template } from '../src/bindings'

function template(id: number, over: Partial<Template> = {}): Template {
  return {
    component_appid: 'wxdemo0000000001',
    template_id: id,
    template_type: 0,
    user_version: `1.${id}.0`,
    user_desc: `<i>desc ${id}</i>`,
    create_time: 1_763_000_000 + id,
    draft_id: id,
    source_miniprogram_appid: null,
    source_miniprogram: null,
    developer: null,
    audit_status: null,
    reason: null,
    category_list: null,
    first_seen_at: 0,
    synced_at: 0,
    gone_at: null,
    has_meta: false,
    has_ext_schema: false,
    in_use: false,
    ...over,
  }
}
const DRAFT: Draft = {
  component_appid: 'wxdemo0000000001',
  draft_id: 7,
  user_version: '1.3.0',
  user_desc: 'new',
  create_time: 1_763_000_100,
  source_miniprogram_appid: null,
  source_miniprogram: null,
  developer: 'dev',
  synced_at: 0,
}

afterEach(() => {
  clearMocks()
  document.body.innerHTML = ''
})

function core(extra: Record<string, (a: Record<string, unknown>) => unknown> = {}) {
  return mockCore({
    drafts: () => [DRAFT],
    templates: () => [template(1), template(2)],
    template_meta: () => ({ changelog: 'c', screenshots: [], ext_schema: null, requirements: {} }),
    ...extra,
  })
}

async function openDetail() {
  const mounted = await mountApp('/templates')
  await mounted.wrapper.get('#tpl-edit-2').trigger('click')
  await flushPromises()
  return mounted
}

describe('Templates page', () => {
  it('lists the library and drafts, descriptions as text', async () => {
    core()
    const { wrapper } = await mountApp('/templates')
    expect(wrapper.findAll('[data-test=template-row]').map((r) => r.attributes('data-template-id'))).toEqual(['2', '1'])
    expect(wrapper.findAll('[data-test=draft-row]').map((r) => r.attributes('data-draft-id'))).toEqual(['7'])
    expect(wrapper.find('#tpl-library i').exists()).toBe(false)
    expect(wrapper.get('#tpl-library').text()).toContain('<i>desc 2</i>')
  })

  it('adds a draft to the library', async () => {
    const calls = core({ add_draft_to_template: () => template(3) })
    const { wrapper } = await mountApp('/templates')
    await wrapper.get('#tpl-add-7').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'add_draft_to_template')!.args).toEqual({ componentAppid: 'wxdemo0000000001', draftId: 7 })
  })

  it('schema editor: invalid JSON shows the parse error and is not saved', async () => {
    const calls = core()
    const { wrapper } = await openDetail()
    await wrapper.get('#tpl-schema-editor').setValue('{ "type": "object", ')
    expect(wrapper.get('#tpl-schema-error').text()).toMatch(/JSON/)
    expect(wrapper.get('#tpl-schema-save').attributes('disabled')).toBeDefined()
    await wrapper.get('#tpl-schema-save').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.cmd === 'set_template_meta')).toBe(false)
    expect(wrapper.get('#tpl-schema-preview').attributes('data-state')).toBe('empty')
  })

  it('schema editor: a valid schema previews its form and is saved; the core refusal is shown', async () => {
    const calls = core({
      set_template_meta: () => {
        throw { code: 'invalid', message: 'ext_schema/type: "objekt" is not valid', class: 'final' }
      },
    })
    const { wrapper } = await openDetail()
    const schema = { type: 'object', properties: { title: { type: 'string', title: '标题', default: 'Hi' } } }
    await wrapper.get('#tpl-schema-editor').setValue(JSON.stringify(schema))
    await flushPromises()
    expect(wrapper.find('#tpl-schema-error').exists()).toBe(false)
    const preview = wrapper.get('#tpl-schema-preview')
    expect(preview.attributes('data-state')).toBe('ready')
    expect(preview.get('[data-pointer="/title"] label').text()).toContain('标题')
    expect((preview.get('#ext-field-title').element as HTMLInputElement).value).toBe('Hi')

    await wrapper.get('#tpl-schema-save').trigger('click')
    await flushPromises()
    const saved = calls.find((c) => c.cmd === 'set_template_meta')!
    expect(saved.args.templateId).toBe(2)
    expect((saved.args.meta as { ext_schema: unknown }).ext_schema).toEqual(schema)
    expect(wrapper.get('#tpl-meta-problem').text()).toContain('"objekt" is not valid')
  })

  it('syncs from WeChat and lists again', async () => {
    let synced = false
    const calls = core({
      sync_templates: () => {
        synced = true
        return { drafts: 1, templates: 3, added: [3], gone: [] }
      },
      templates: () => (synced ? [template(1), template(2), template(3)] : [template(1), template(2)]),
    })
    const { wrapper } = await mountApp('/templates')
    await wrapper.get('#tpl-sync').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'sync_templates')!.args).toEqual({ componentAppid: 'wxdemo0000000001' })
    expect(wrapper.findAll('[data-test=template-row]')).toHaveLength(3)
  })

  it('prunes only after a dry run, deleting what the dry run showed', async () => {
    const plan = (dry: boolean) => ({ component_appid: 'wxdemo0000000001', library_size: 2, keep: 1, delete: [template(1)], kept_in_use: [], short_by: 0, dry_run: dry })
    const calls = core({ prune_templates: (a) => plan(a.dryRun as boolean) })
    const { wrapper } = await mountApp('/templates')
    await wrapper.get('#tpl-prune').trigger('click')
    await flushPromises()
    const confirm = document.getElementById('tpl-prune-confirm') as HTMLButtonElement
    expect(confirm.disabled).toBe(true)
    ;(document.getElementById('tpl-prune-dry') as HTMLButtonElement).click()
    await flushPromises()
    expect(calls.filter((c) => c.cmd === 'prune_templates').map((c) => c.args.dryRun)).toEqual([true])
    expect(document.querySelectorAll('[data-test=prune-item]')).toHaveLength(1)
    expect(document.querySelector('[data-test=prune-item]')!.getAttribute('data-template-id')).toBe('1')
    expect(confirm.disabled).toBe(false)
    confirm.click()
    await flushPromises()
    const runs = calls.filter((c) => c.cmd === 'prune_templates')
    expect(runs.map((c) => c.args.dryRun)).toEqual([true, false])
    expect(runs[1].args).toMatchObject({ componentAppid: 'wxdemo0000000001', keep: 50, protect: [] })
  })
})
