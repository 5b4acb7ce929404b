import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import SchemaForm from '../src/components/ext/SchemaForm.vue'
import { defaultsFor, fieldPointers, kindOf, type Schema } from '../src/components/ext/schema'
import { makeI18n } from '../src/i18n'

const SHOP: Schema = {
  type: 'object',
  required: ['shopName', 'theme'],
  properties: {
    shopName: { type: 'string', title: '店铺名称', maxLength: 20 },
    layout: { type: 'string', enum: ['grid', 'list'], default: 'grid' },
    theme: {
      type: 'object',
      title: '主题',
      required: ['primary'],
      properties: {
        primary: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$', title: '主色' },
        accent: { type: 'string', format: 'color', default: '#FF0000' },
      },
    },
    pageSize: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
    ratio: { type: 'number' },
    showCart: { type: 'boolean', default: true },
    modules: { type: 'array', items: { type: 'string', enum: ['banner', 'coupon', 'news'] } },
    tags: { type: 'array', items: { type: 'string' } },
    hotline: { type: 'string', description: '<b onmouseover=alert(1)>客服</b>', format: 'phone' },
  },
}

async function mountForm(schema: Schema, value: Record<string, unknown> = {}, issues: { pointer: string; message: string }[] = [], prefix = '') {
  const w = mount(SchemaForm, {
    props: { schema, modelValue: value as never, issues, prefix },
    global: { plugins: [ElementPlus, makeI18n('zh-CN')] },
    attachTo: document.body,
  })
  await flushPromises()
  return w
}

function last(emitted: unknown[][] | undefined) {
  return emitted![emitted!.length - 1][0]
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('schema helpers', () => {
  it('fills defaults, recursing into nested objects, leaving fields without one unset', () => {
    expect(defaultsFor(SHOP)).toEqual({ layout: 'grid', theme: { accent: '#FF0000' }, pageSize: 10, showCart: true })
  })

  it('follows local $refs for defaults and kinds', () => {
    const schema: Schema = { type: 'object', $defs: { c: { type: 'string', format: 'color', default: '#000000' } }, properties: { a: { $ref: '#/$defs/c' } } }
    expect(defaultsFor(schema)).toEqual({ a: '#000000' })
    expect(kindOf((schema.$defs as Record<string, Schema>).c)).toBe('color')
  })

  it('orders fields by x-order, then as listed', () => {
    const schema: Schema = { type: 'object', 'x-order': ['c', 'a'], properties: { a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' } } }
    expect(fieldPointers(schema)).toEqual(['/c', '/a', '/b'])
  })

  it('offers an enum of any scalar type as a choice', () => {
    expect(kindOf({ type: 'integer', enum: [1, 2] })).toBe('enum')
    expect(kindOf({ enum: ['a'] })).toBe('enum')
    expect(kindOf({ type: 'array', items: { enum: ['a'] } })).toBe('enum-list')
  })

  it('lists every field pointer with the prefix', () => {
    expect(fieldPointers(SHOP, '/ext')).toContain('/ext/theme/primary')
    expect(fieldPointers(SHOP, '/ext')).toContain('/ext/theme')
  })
})

describe('SchemaForm', () => {
  it('renders an input per type, with ids and pointers', async () => {
    const w = await mountForm(SHOP, defaultsFor(SHOP))
    const kinds = Object.fromEntries(w.findAll('[data-test=ext-field]').map((f) => [f.attributes('data-pointer'), f.attributes('data-kind')]))
    expect(kinds).toMatchObject({
      '/shopName': 'string',
      '/layout': 'enum',
      '/theme/primary': 'color',
      '/theme/accent': 'color',
      '/pageSize': 'integer',
      '/ratio': 'number',
      '/showCart': 'boolean',
      '/modules': 'enum-list',
      '/tags': 'string-list',
    })
    expect(w.find('fieldset[data-pointer="/theme"] legend').text()).toContain('主题')
    expect(w.find('#ext-field-theme-primary').exists()).toBe(true)
    expect(w.find('[data-pointer="/theme/primary"] .el-color-picker').exists()).toBe(true)
    expect((w.get('#ext-field-theme-accent').element as HTMLInputElement).value).toBe('#FF0000')
    expect((w.get('#ext-field-pageSize').element as HTMLInputElement).value).toBe('10')
    expect(w.get('[data-pointer="/showCart"] .el-switch').classes()).toContain('is-checked')
    expect(w.get('[data-pointer="/shopName"] label').text()).toContain('店铺名称')
    expect(w.find('[data-pointer="/shopName"] [data-test=ext-required]').exists()).toBe(true)
    expect(w.find('[data-pointer="/ratio"] [data-test=ext-required]').exists()).toBe(false)
  })

  it('emits the JSON value as typed, dropping emptied strings', async () => {
    const w = await mountForm(SHOP, { shopName: 'a' })
    await w.get('#ext-field-shopName').setValue('好店')
    expect(last(w.emitted('update:modelValue'))).toEqual({ shopName: '好店' })
    await w.get('#ext-field-theme-primary').setValue('#00ff00')
    expect(last(w.emitted('update:modelValue'))).toEqual({ shopName: 'a', theme: { primary: '#00ff00' } })
    await w.get('#ext-field-shopName').setValue('')
    expect(last(w.emitted('update:modelValue'))).toEqual({})
  })

  it('shows each issue under its own field', async () => {
    const w = await mountForm(SHOP, {}, [
      { pointer: '/ext/theme/primary', message: 'required, but not set' },
      { pointer: '/ext/pageSize', message: '99 is greater than the maximum of 50' },
    ], '/ext')
    const primary = w.get('[data-test=ext-field][data-pointer="/ext/theme/primary"]')
    expect(primary.get('[data-test=ext-issue]').text()).toBe('required, but not set')
    expect(w.get('[data-test=ext-field][data-pointer="/ext/pageSize"] [data-test=ext-issue]').text()).toContain('maximum of 50')
    expect(w.findAll('[data-test=ext-issue]')).toHaveLength(2)
    expect(w.find('[data-pointer="/ext/shopName"] [data-test=ext-issue]').exists()).toBe(false)
  })

  it('shows a description with markup as text', async () => {
    const w = await mountForm(SHOP)
    const field = w.get('[data-pointer="/hotline"]')
    expect(field.find('b').exists()).toBe(false)
    expect(field.get('.description').text()).toBe('<b onmouseover=alert(1)>客服</b>')
  })
})
