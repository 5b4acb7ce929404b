import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { clearMocks } from '@tauri-apps/api/mocks'
import type { AuditRecord, VersionEvent, VersionHistory } from '../src/bindings'
import { mockCore } from './ipc'
import { mountApp } from './mount'
import { avatarImage } from '../src/components/apps/avatar'

const APPID = 'wxapp000000000001'
const mounted: { unmount: () => void }[] = []

afterEach(() => {
  mounted.splice(0).forEach((w) => w.unmount())
  clearMocks()
  document.body.innerHTML = ''
})

function event(over: Partial<VersionEvent>): VersionEvent {
  return {
    id: 1,
    appid: APPID,
    kind: 'commit',
    at: 1_763_000_000_000,
    actor: 'operator',
    template_id: 7,
    user_version: '1.1.0',
    user_desc: '门店',
    ext_revision: null,
    audit_row: null,
    campaign_id: null,
    detail: {},
    ...over,
  }
}

const XSS = '<img src=x onerror=alert(1)>'
const REJECTED: AuditRecord = {
  id: 5,
  appid: APPID,
  auditid: 99,
  template_id: 7,
  user_version: '1.1.0',
  user_desc: '门店',
  status: 'rejected',
  intent_at: 1,
  submitted_at: 2,
  result_at: 3,
  reason: `1. 小程序名称与内容不符<br>${XSS}`,
  screenshots: ['media_1', 'media_2'],
  actor: 'operator',
  campaign_id: null,
}
const HISTORY: VersionHistory = {
  appid: APPID,
  audits: [REJECTED],
  events: [
    event({ id: 3, kind: 'audit_rejected', actor: 'wechat', audit_row: 5, detail: { reason: REJECTED.reason, screenshots: REJECTED.screenshots } }),
    event({ id: 2, kind: 'submit_audit', audit_row: 5, detail: { auditid: 99 } }),
    event({ id: 1, kind: 'commit' }),
  ],
}

async function openVersions(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
  const calls = mockCore({ authorizer: () => new Promise(() => {}), app_rows: () => [], versions: () => HISTORY, ...handlers })
  const app = await mountApp(`/mini-programs/${APPID}`)
  mounted.push(app.wrapper)
  await app.wrapper.find('#tab-versions').trigger('click')
  await flushPromises()
  return { ...app, calls }
}

describe('Mini program detail: versions', () => {
  it('shows the timeline, a rejection reason with markup as text', async () => {
    const { wrapper, calls } = await openVersions({})
    expect(calls.filter((c) => c.cmd === 'versions').map((c) => c.args)).toEqual([{ appid: APPID }])
    const kinds = wrapper.findAll('[data-test="version-event"]').map((e) => e.attributes('data-kind'))
    expect(kinds).toEqual(['audit_rejected', 'submit_audit', 'commit'])
    const reason = wrapper.find('[data-test="version-reason"]')
    expect(reason.text()).toContain(XSS)
    expect(reason.text()).toContain('小程序名称与内容不符')
    expect(reason.find('img').exists()).toBe(false)
    expect(document.querySelector('img[src="x"]')).toBeNull()
    expect(wrapper.find('[data-test="version-screenshots"]').text()).toContain('media_2')
  })

  it('releases with the appid only after the confirmation', async () => {
    const { wrapper, calls } = await openVersions({ release: () => event({ id: 4, kind: 'release' }) })
    await wrapper.find('#version-release').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.cmd === 'release')).toBe(false)
    const ok = await vi.waitFor(() => {
      const button = document.querySelector<HTMLButtonElement>('.el-message-box__btns .el-button--primary')
      if (!button) throw new Error('no confirm box')
      return button
    })
    ok.click()
    await vi.waitFor(() => expect(calls.filter((c) => c.cmd === 'release').map((c) => c.args)).toEqual([{ appid: APPID }]))
    await vi.waitFor(() => expect(calls.filter((c) => c.cmd === 'versions').length).toBe(2))
  })

  it('shows the problem when a release fails', async () => {
    const { wrapper } = await openVersions({
      release: () => Promise.reject({ code: 'wechat', message: 'not passed', errcode: 85019, class: 'final' }),
    })
    await wrapper.find('#version-release').trigger('click')
    await flushPromises()
    const ok = await vi.waitFor(() => {
      const button = document.querySelector<HTMLButtonElement>('.el-message-box__btns .el-button--primary')
      if (!button) throw new Error('no confirm box')
      return button
    })
    ok.click()
    await vi.waitFor(() => expect(wrapper.find('[data-test="tab-versions"] [data-test="problem"]').attributes('data-errcode')).toBe('85019'))
  })
})

describe('avatar upload', () => {
  it('builds the AvatarImage from the file: name, type and exact bytes', async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255])
    const image = await avatarImage(new File([bytes], 'logo.png', { type: 'image/png' }))
    expect(image).toEqual({ file_name: 'logo.png', content_type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255] })
    const byExtension = await avatarImage(new File([new Uint8Array([1, 2])], 'photo.JPG', { type: '' }))
    expect(byExtension.content_type).toBe('image/jpeg')
    await expect(avatarImage(new File(['x'], 'notes.txt', { type: 'text/plain' }))).rejects.toThrow('text/plain')
  })

  it('sends the chosen file to set_avatar', async () => {
    const calls = mockCore({
      authorizer: () => new Promise(() => {}),
      app_rows: () => [],
      basic_info: () => ({
        appid: APPID,
        nickname: '门店',
        signature: '',
        head_image_url: '',
        principal_name: '公司',
        principal_type: 1,
        realname_status: 1,
        verified: true,
        rename_quota: { used: 0, limit: 2, remaining: 2 },
        avatar_quota: { used: 0, limit: 5, remaining: 5 },
        signature_quota: { used: 0, limit: 5, remaining: 5 },
      }),
      search_hidden: () => false,
      set_avatar: () => null,
    })
    const app = await mountApp(`/mini-programs/${APPID}`)
    mounted.push(app.wrapper)
    await app.wrapper.find('#tab-basic').trigger('click')
    await flushPromises()
    const input = app.wrapper.find('#basic-avatar')
    const file = new File([new Uint8Array([71, 73, 70, 56])], 'a.gif', { type: 'image/gif' })
    Object.defineProperty(input.element, 'files', { value: [file] })
    await input.trigger('change')
    await vi.waitFor(() =>
      expect(calls.find((c) => c.cmd === 'set_avatar')?.args).toEqual({ appid: APPID, image: { file_name: 'a.gif', content_type: 'image/gif', bytes: [71, 73, 70, 56] } }),
    )
  })
})

describe('Mini program detail: destructive actions ask first', () => {
  async function confirmBox() {
    return vi.waitFor(() => {
      const button = document.querySelector<HTMLButtonElement>('.el-message-box__btns .el-button--primary')
      if (!button) throw new Error('no confirm box')
      return button
    })
  }

  it('deletes a category after confirming, names as text', async () => {
    const calls = mockCore({
      authorizer: () => new Promise(() => {}),
      app_rows: () => [],
      categories: () => ({ categories: [{ first: 287, first_name: '餐饮', second: 290, second_name: '<b>咖啡</b>', audit_status: 3 }], limit: 5, quota: 4 }),
      delete_category: () => null,
    })
    const app = await mountApp(`/mini-programs/${APPID}`)
    mounted.push(app.wrapper)
    await app.wrapper.find('#tab-categories').trigger('click')
    await flushPromises()
    expect(app.wrapper.find('[data-test="category-status"]').text()).toBe('审核通过')
    await app.wrapper.find('[data-test="category-delete"]').trigger('click')
    const ok = await confirmBox()
    expect(document.querySelector('.el-message-box__message')?.textContent).toContain('<b>咖啡</b>')
    expect(calls.some((c) => c.cmd === 'delete_category')).toBe(false)
    ok.click()
    await vi.waitFor(() => expect(calls.find((c) => c.cmd === 'delete_category')?.args).toEqual({ appid: APPID, first: 287, second: 290 }))
  })

  async function openTesters() {
    const calls = mockCore({ authorizer: () => new Promise(() => {}), app_rows: () => [], testers: () => ['user_abc'], unbind_tester: () => null })
    const app = await mountApp(`/mini-programs/${APPID}`)
    mounted.push(app.wrapper)
    await app.wrapper.find('#tab-testers').trigger('click')
    await flushPromises()
    await app.wrapper.find('[data-test="tester-unbind"]').trigger('click')
    return calls
  }

  it('does not unbind a tester when the confirmation is cancelled', async () => {
    const calls = await openTesters()
    const cancel = await vi.waitFor(() => {
      const button = document.querySelector<HTMLButtonElement>('.el-message-box__btns .el-button:not(.el-button--primary)')
      if (!button) throw new Error('no confirm box')
      return button
    })
    cancel.click()
    await new Promise((r) => setTimeout(r, 50))
    await flushPromises()
    expect(calls.some((c) => c.cmd === 'unbind_tester')).toBe(false)
  })

  it('unbinds a tester by its userstr when confirmed', async () => {
    const calls = await openTesters()
    ;(await confirmBox()).click()
    await vi.waitFor(() => expect(calls.find((c) => c.cmd === 'unbind_tester')?.args).toEqual({ appid: APPID, tester: { userstr: 'user_abc' } }))
  })

  it('submits for audit with the description from the dialog', async () => {
    const calls = mockCore({
      authorizer: () => new Promise(() => {}),
      app_rows: () => [],
      versions: () => HISTORY,
      submit_audit: () => REJECTED,
    })
    const app = await mountApp(`/mini-programs/${APPID}`)
    mounted.push(app.wrapper)
    await app.wrapper.find('#tab-versions').trigger('click')
    await flushPromises()
    await app.wrapper.find('#version-submit').trigger('click')
    await flushPromises()
    const desc = document.querySelector<HTMLTextAreaElement>('#version-submit-desc')!
    desc.value = '门店上线'
    desc.dispatchEvent(new Event('input'))
    document.querySelector<HTMLButtonElement>('#version-submit-confirm')!.click()
    await vi.waitFor(() =>
      expect(calls.find((c) => c.cmd === 'submit_audit')?.args).toEqual({ appid: APPID, options: { version_desc: '门店上线', privacy_api_not_use: false } }),
    )
  })
})
