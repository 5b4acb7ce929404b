import type { AppRow, AppState } from '../src/bindings'

const STATES: AppState[] = ['none', 'committed', 'auditing', 'audit_failed', 'audit_delayed', 'pending_release', 'online', 'gray']

/** A list row with sensible defaults. */
export function appRow(over: Partial<AppRow> = {}): AppRow {
  return {
    appid: 'wx0000000000000001',
    nick_name: '演示门店',
    principal_name: '演示公司',
    status: 'authorized',
    state: 'none',
    online_version: null,
    latest_version: null,
    template_id: null,
    granted: [{ id: 18, name: '小程序开发与数据分析' }],
    authorized_at: 1_763_000_000_000,
    updated_at: 1_763_000_000_000,
    ...over,
  }
}

/** `n` synthetic rows cycling through states, templates and versions. */
export function manyRows(n: number): AppRow[] {
  return Array.from({ length: n }, (_, i) =>
    appRow({
      appid: `wx${String(i).padStart(16, '0')}`,
      nick_name: `门店 Store ${i}`,
      principal_name: `公司 ${i % 97}`,
      state: STATES[i % STATES.length],
      template_id: i % 5 === 0 ? null : 100 + (i % 4),
      latest_version: i % 5 === 0 ? null : `1.${i % 4}.0`,
      online_version: i % 3 === 0 ? '1.0.0' : null,
      status: i % 50 === 0 ? 'revoked' : 'authorized',
    }),
  )
}
