import type { CampaignItem, Counts } from '../../bindings'

/** Finished items: released, waiting to be released, or failed for good (as the core's `Counts::done`). */
export function doneOf(c: Counts): number {
  return c.excluded + c.passed + c.released + c.rejected + c.failed + c.cancelled
}

/** Items that failed for good: left out by pre-flight, errors, rejected audits (`Counts::failed_for_good`). */
export function failedOf(c: Counts): number {
  return c.excluded + c.rejected + c.failed
}

export function percentOf(c: Counts): number {
  return c.total ? Math.round((doneOf(c) / c.total) * 100) : 0
}

export const STEPS = ['commit', 'submit', 'audit', 'release'] as const
export type Step = (typeof STEPS)[number]

/** How many worked-on items (not excluded) got past each step, from the timestamps the core keeps. */
export function stepCounts(items: CampaignItem[]): Record<Step, { done: number; total: number }> {
  const worked = items.filter((i) => i.state !== 'excluded')
  const total = worked.length
  const count = (f: (i: CampaignItem) => boolean) => ({ done: worked.filter(f).length, total })
  return {
    commit: count((i) => i.committed_at != null),
    submit: count((i) => i.submitted_at != null),
    audit: count((i) => i.audit_at != null),
    release: count((i) => i.released_at != null),
  }
}
