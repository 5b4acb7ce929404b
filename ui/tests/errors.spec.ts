import { describe, expect, it } from 'vitest'
import { explain, toAppError } from '../src/errors'

describe('toAppError', () => {
  it('keeps an AppError a command rejected with', () => {
    const e = { code: 'wechat', message: 'WeChat refused', errcode: 85009, meaning_zh: '已有审核中的版本', class: 'final' }
    expect(toAppError(e)).toEqual(e)
  })

  it("turns Tauri's plain-string rejections into internal errors", () => {
    expect(toAppError('Command nope not found')).toEqual({ code: 'internal', message: 'Command nope not found', class: 'final' })
  })

  it('takes the message of a thrown Error', () => {
    expect(toAppError(new TypeError('boom'))).toEqual({ code: 'internal', message: 'boom', class: 'final' })
  })
})

describe('explain', () => {
  const problem = { code: 'wechat', message: 'x', errcode: 61039, meaning_zh: '票据无效', meaning_en: 'ticket invalid', remedy_zh: '等待推送', remedy_en: 'wait for the push', class: 'transient' }
  it('picks the UI language', () => {
    expect(explain(problem, 'zh-CN')).toEqual({ meaning: '票据无效', remedy: '等待推送' })
    expect(explain(problem, 'en')).toEqual({ meaning: 'ticket invalid', remedy: 'wait for the push' })
  })
  it('falls back to the other language, and to nothing', () => {
    expect(explain({ ...problem, meaning_en: null, remedy_en: undefined }, 'en')).toEqual({ meaning: '票据无效', remedy: '等待推送' })
    expect(explain({ code: 'io', message: 'disk full', class: 'final' }, 'en')).toEqual({ meaning: null, remedy: null })
  })
})
