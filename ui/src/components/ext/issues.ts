import type { AppError, ExtIssue } from '../../bindings'

/**
 * The issues of a refused save, read from the core's message (`ext_json: 2 problems:\n  /ext/a: …`):
 * one per indented `pointer: message` line. Empty when the error is not such a refusal.
 */
export function issuesOfRefusal(problem: AppError): ExtIssue[] {
  if (problem.code !== 'invalid') return []
  const issues: ExtIssue[] = []
  for (const line of problem.message.split('\n')) {
    const m = /^\s+(\(whole\)|\/\S*): (.*)$/.exec(line)
    if (m) issues.push({ pointer: m[1] === '(whole)' ? '' : m[1], message: m[2] })
  }
  return issues
}
