import type { AuditRecord, VersionEvent, VersionHistory } from '../../bindings'

/** One entry of the versions timeline: the event and, for audit steps, the submission it belongs to. */
export type TimelineEntry = { event: VersionEvent; audit: AuditRecord | null }

/** The events newest first, each with its audit row (reason, screenshots, status). */
export function timeline(history: VersionHistory): TimelineEntry[] {
  const audits = new Map(history.audits.map((a) => [a.id, a]))
  return history.events.map((event) => ({ event, audit: event.audit_row != null ? (audits.get(event.audit_row) ?? null) : null }))
}

/** WeChat writes line breaks in reasons as `<br>`: split on them so the text shows as lines (never parsed as markup). */
export function reasonLines(reason: string): string[] {
  return reason
    .split(/<br\s*\/?>/i)
    .map((l) => l.trim())
    .filter(Boolean)
}

/** The reason of a rejection or delay event: the event's own detail, else its audit row's. */
export function reasonOf(entry: TimelineEntry): string | null {
  const detail = entry.event.detail as Record<string, unknown> | null
  const own = detail && typeof detail === 'object' && typeof detail.reason === 'string' ? detail.reason : null
  if (own) return own
  if (entry.event.kind === 'audit_rejected' || entry.event.kind === 'audit_delayed') return entry.audit?.reason ?? null
  return null
}

/** The screenshots (media ids) of a rejection. */
export function screenshotsOf(entry: TimelineEntry): string[] {
  const detail = entry.event.detail as Record<string, unknown> | null
  const own = detail && typeof detail === 'object' && Array.isArray(detail.screenshots) ? detail.screenshots.filter((s): s is string => typeof s === 'string') : []
  if (own.length) return own
  return entry.event.kind === 'audit_rejected' ? (entry.audit?.screenshots ?? []) : []
}
