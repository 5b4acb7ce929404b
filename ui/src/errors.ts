import type { AppError, ErrorCode } from './bindings'

/**
 * Any rejection from a command, as an {@link AppError}. Commands reject with an `AppError`; Tauri itself
 * (unknown command, bad arguments, a denied permission) rejects with a plain string, which becomes `internal`.
 */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e
  const text = e instanceof Error ? e.message : String(e)
  return { code: 'internal' satisfies ErrorCode, message: text, detail: null }
}

function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && typeof (e as AppError).code === 'string' && typeof (e as AppError).message === 'string'
}
