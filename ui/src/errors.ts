import type { AppError } from './bindings'

/**
 * Any rejection, as an {@link AppError} (the core's Problem). Commands reject with a Problem; Tauri
 * itself (unknown command, bad arguments, a denied permission) rejects with a plain string, which
 * becomes `internal`.
 */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e
  const text = e instanceof Error ? e.message : String(e)
  return { code: 'internal', message: text, class: 'final' }
}

export function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && typeof (e as AppError).code === 'string' && typeof (e as AppError).message === 'string'
}

/** The meaning and remedy of a problem in the UI's language (the other language as fallback). */
export function explain(problem: AppError, locale: string): { meaning: string | null; remedy: string | null } {
  const zh = locale !== 'en'
  return {
    meaning: (zh ? problem.meaning_zh : problem.meaning_en) ?? problem.meaning_zh ?? problem.meaning_en ?? null,
    remedy: (zh ? problem.remedy_zh : problem.remedy_en) ?? problem.remedy_zh ?? problem.remedy_en ?? null,
  }
}
