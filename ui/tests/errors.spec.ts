import { describe, expect, it } from 'vitest'
import { toAppError } from '../src/errors'

describe('toAppError', () => {
  it('keeps an AppError a command rejected with', () => {
    const e = { code: 'internal', message: 'Could not save', detail: 'disk on fire' }
    expect(toAppError(e)).toEqual(e)
  })

  it("turns Tauri's plain-string rejections into internal errors", () => {
    expect(toAppError('Command nope not found')).toEqual({ code: 'internal', message: 'Command nope not found', detail: null })
  })

  it('takes the message of a thrown Error', () => {
    expect(toAppError(new TypeError('boom'))).toEqual({ code: 'internal', message: 'boom', detail: null })
  })
})
