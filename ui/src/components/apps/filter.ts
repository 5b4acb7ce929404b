import type { AppRow, AppState } from '../../bindings'

/** What the mini programs list is narrowed to; empty fields keep every row. */
export type RowFilter = {
  /** Name, appid or subject containing this (case-insensitive). */
  search?: string
  /** Only rows in this state. */
  state?: AppState | ''
  /** Only rows whose newest commit is of this template. */
  templateId?: number | null
  /** Only rows whose online or latest version is exactly this. */
  version?: string
  /** Only authorized, or only revoked ones. */
  status?: 'authorized' | 'revoked' | ''
}

// Lower-cased search text per row, computed once per row object: the list re-filters on every
// keystroke over thousands of rows, and the rows are replaced (not mutated) when reloaded.
const searchKeys = new WeakMap<AppRow, string>()

function searchKey(row: AppRow): string {
  let key = searchKeys.get(row)
  if (key === undefined) {
    key = `${row.nick_name}\n${row.appid}\n${row.principal_name}`.toLowerCase()
    searchKeys.set(row, key)
  }
  return key
}

/** The rows matching every field of `filter`, in their order (one pass). */
export function filterRows(rows: AppRow[], filter: RowFilter): AppRow[] {
  const needle = filter.search?.trim().toLowerCase() ?? ''
  const state = filter.state || null
  const templateId = filter.templateId ?? null
  const version = filter.version?.trim() || null
  const status = filter.status || null
  if (!needle && !state && templateId == null && !version && !status) return rows.slice()
  const out: AppRow[] = []
  for (const row of rows) {
    if (state && row.state !== state) continue
    if (status && row.status !== status) continue
    if (templateId != null && row.template_id !== templateId) continue
    if (version && row.online_version !== version && row.latest_version !== version) continue
    if (needle && !searchKey(row).includes(needle)) continue
    out.push(row)
  }
  return out
}

/** Every state, in the order of a version's course. */
export const APP_STATES: AppState[] = ['none', 'committed', 'auditing', 'audit_delayed', 'audit_failed', 'pending_release', 'gray', 'online']

/** The tag colour of a state. */
export function stateTagType(state: AppState): 'success' | 'warning' | 'danger' | 'info' | 'primary' {
  switch (state) {
    case 'online':
      return 'success'
    case 'gray':
    case 'pending_release':
      return 'primary'
    case 'auditing':
    case 'audit_delayed':
      return 'warning'
    case 'audit_failed':
      return 'danger'
    default:
      return 'info'
  }
}

/** The distinct templates and versions present, for the filter pickers (sorted). */
export function filterChoices(rows: AppRow[]): { templates: number[]; versions: string[] } {
  const templates = new Set<number>()
  const versions = new Set<string>()
  for (const row of rows) {
    if (row.template_id != null) templates.add(row.template_id)
    if (row.online_version) versions.add(row.online_version)
    if (row.latest_version) versions.add(row.latest_version)
  }
  return {
    templates: [...templates].sort((a, b) => b - a),
    versions: [...versions].sort((a, b) => b.localeCompare(a, undefined, { numeric: true })),
  }
}
