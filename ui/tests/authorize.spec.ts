import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { clearMocks } from '@tauri-apps/api/mocks'
import { mockCore } from './ipc'
import { mountApp } from './mount'
import { deliverFleetEvent } from '../src/stores/desk'
import type { Link } from '../src/bindings'

const URL = 'http://127.0.0.1:2/authorize/abc123?x=1&y=<2>'
function link(over: Partial<Link> = {}): Link {
  return {
    id: 'abc123',
    component_appid: 'wxdemo0000000001',
    mode: 'pc',
    biz_appid: null,
    url: URL,
    state: 'pending',
    appid: null,
    created_at: Date.now(),
    expires_at: Date.now() + 600_000,
    finished_at: null,
    ...over,
  }
}

afterEach(() => {
  clearMocks()
  sessionStorage.clear()
  document.body.innerHTML = ''
})

function core() {
  return mockCore({
    links: () => [],
    fast_registrations: () => [],
    create_authorization_link: (a) => link({ mode: a.mode as Link['mode'] }),
    link_qr_svg: () => '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>',
  })
}

describe('Authorize page', () => {
  it('creates a link and shows its QR code as an image and the exact link text', async () => {
    const calls = core()
    const { wrapper } = await mountApp('/authorize')
    await wrapper.get('#auth-create').trigger('click')
    await flushPromises()

    const create = calls.find((c) => c.cmd === 'create_authorization_link')!
    expect(create.args).toEqual({ componentAppid: 'wxdemo0000000001', mode: 'pc', bizAppid: null })
    const img = wrapper.get('#auth-qr')
    expect(img.element.tagName).toBe('IMG')
    expect(img.attributes('src')).toMatch(/^data:image\/svg\+xml;base64,/)
    expect(wrapper.find('[data-test=auth-link-card] svg').exists()).toBe(false)
    expect(wrapper.get('#auth-link').text()).toBe(URL)
    expect(wrapper.get('#auth-state').attributes('data-state')).toBe('pending')
    expect(wrapper.get('#auth-countdown').text()).toMatch(/^(10:00|9:5\d)$/)
  })

  it('sends the mobile mode and the biz appid', async () => {
    const calls = core()
    const { wrapper } = await mountApp('/authorize')
    await wrapper.get('#auth-mode-mobile input').setValue(true)
    await wrapper.get('#auth-biz-appid').setValue('wx1234567890abcdef')
    await wrapper.get('#auth-create').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'create_authorization_link')!.args).toEqual({
      componentAppid: 'wxdemo0000000001',
      mode: 'mobile',
      bizAppid: 'wx1234567890abcdef',
    })
  })

  it('shows the authorized appid when the link is done', async () => {
    core()
    const { wrapper } = await mountApp('/authorize')
    await wrapper.get('#auth-create').trigger('click')
    await flushPromises()
    deliverFleetEvent({ type: 'link_changed', link_id: 'other', state: 'done', appid: 'wxother0000000000' })
    await flushPromises()
    expect(wrapper.get('#auth-state').attributes('data-state')).toBe('pending')

    deliverFleetEvent({ type: 'link_changed', link_id: 'abc123', state: 'done', appid: 'wxdone00000000001' })
    await flushPromises()
    expect(wrapper.get('#auth-state').attributes('data-state')).toBe('done')
    expect(wrapper.get('#auth-done-appid').text()).toBe('wxdone00000000001')
    expect(wrapper.get('#auth-done-appid').attributes('href')).toBe('/mini-programs/wxdone00000000001')
  })

  it('shows the link being followed again after leaving the page', async () => {
    core()
    const first = await mountApp('/authorize')
    await first.wrapper.get('#auth-create').trigger('click')
    await flushPromises()
    first.wrapper.unmount()
    mockCore({ links: () => [], fast_registrations: () => [], link: () => link({ state: 'done', appid: 'wxdone00000000001' }) })
    const { wrapper } = await mountApp('/authorize')
    expect(wrapper.get('#auth-state').attributes('data-state')).toBe('done')
    expect(wrapper.get('#auth-done-appid').text()).toBe('wxdone00000000001')
    expect(wrapper.get('#auth-link').text()).toBe(URL)
  })

  it('says an expired link is expired and offers a new one', async () => {
    core()
    const { wrapper } = await mountApp('/authorize')
    await wrapper.get('#auth-create').trigger('click')
    await flushPromises()
    deliverFleetEvent({ type: 'link_changed', link_id: 'abc123', state: 'expired', appid: null })
    await flushPromises()
    expect(wrapper.get('#auth-state').attributes('data-state')).toBe('expired')
    expect(wrapper.find('#auth-new').exists()).toBe(true)
  })

  it('fast registration: required fields are checked before anything is sent', async () => {
    const calls = core()
    const { wrapper } = await mountApp('/authorize')
    await wrapper.get('#fastreg-submit').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.cmd === 'fast_register')).toBe(false)
    expect(wrapper.findAll('[data-test=fastreg-error]').map((e) => e.attributes('data-field'))).toEqual(['name', 'code', 'legal_persona_wechat', 'legal_persona_name'])
  })
})

describe('Fast registration', () => {
  it('sends the request and checks a registration with WeChat', async () => {
    const row = {
      id: 9,
      component_appid: 'wxdemo0000000001',
      name: '<b>某某公司</b>',
      code: '91440300MA5XXXXXXX',
      code_type: 1,
      legal_persona_wechat: 'legal',
      legal_persona_name: '张三',
      state: 'pending',
      status: null,
      msg: null,
      appid: null,
      created_at: 1_763_000_000_000,
      finished_at: null,
    }
    const calls = mockCore({
      links: () => [],
      fast_registrations: () => [row],
      fast_register: () => row,
      search_fast_registration: () => 'waiting_for_legal_person',
    })
    const { wrapper } = await mountApp('/authorize')
    await wrapper.get('#fastreg-name').setValue(' 某某公司 ')
    await wrapper.get('#fastreg-code').setValue('91440300MA5XXXXXXX')
    await wrapper.get('#fastreg-legal-wechat').setValue('legal')
    await wrapper.get('#fastreg-legal-name').setValue('张三')
    await wrapper.get('#fastreg-submit').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'fast_register')!.args).toEqual({
      componentAppid: 'wxdemo0000000001',
      request: { name: '某某公司', code: '91440300MA5XXXXXXX', code_type: 1, legal_persona_wechat: 'legal', legal_persona_name: '张三', component_phone: null },
    })
    const listed = wrapper.get('[data-test=fastreg-row][data-id="9"]')
    expect(listed.text()).toBe('<b>某某公司</b>')
    await wrapper.get('[data-test=fastreg-check][data-id="9"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'search_fast_registration')!.args).toEqual({ id: 9 })
    expect(wrapper.get('[data-test=fastreg-search]').text()).toBe('等待法人确认')
  })

  it('checks the code against its type', async () => {
    const calls = mockCore({ links: () => [], fast_registrations: () => [] })
    const { wrapper } = await mountApp('/authorize')
    await wrapper.get('#fastreg-name').setValue('某某公司')
    await wrapper.get('#fastreg-code').setValue('123')
    await wrapper.get('#fastreg-legal-wechat').setValue('legal')
    await wrapper.get('#fastreg-legal-name').setValue('张三')
    await wrapper.get('#fastreg-submit').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.cmd === 'fast_register')).toBe(false)
    expect(wrapper.get('[data-test=fastreg-error][data-field=code]').text()).toContain('18')
  })
})
