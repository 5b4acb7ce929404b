import { h } from 'vue'
import { ElNotification } from 'element-plus'
import { explain, toAppError } from './errors'
import { savedLocale } from './i18n'

/**
 * Shows a failure as a notification: what happened, and for WeChat's errors the errcode with its
 * meaning and what to do. Rendered with `h()` text nodes: messages can carry WeChat's or a
 * merchant's text, which must never become markup.
 */
export function showProblem(e: unknown, title?: string) {
  const problem = toAppError(e)
  const { meaning, remedy } = explain(problem, document.documentElement.lang || savedLocale())
  const lines = [
    h('div', { class: 'problem-message', 'data-test': 'problem-message' }, problem.message),
    problem.errcode != null ? h('div', { class: 'problem-errcode', 'data-test': 'problem-errcode' }, `errcode ${problem.errcode}${meaning ? ` · ${meaning}` : ''}`) : null,
    remedy ? h('div', { class: 'problem-remedy', 'data-test': 'problem-remedy' }, remedy) : null,
  ]
  ElNotification({ type: 'error', title: title ?? problem.code, message: h('div', { 'data-test': 'problem' }, lines), duration: 8000 })
  return problem
}

/** A short success toast. */
export function showDone(message: string) {
  ElNotification({ type: 'success', title: message, duration: 2500 })
}
