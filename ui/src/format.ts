/** Unix milliseconds as a local date and time (`2026-11-22 14:03:05`). */
export function formatTime(ms: number | null | undefined): string {
  if (ms == null) return '—'
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** How long ago, compact (`42 s`, `5 min`, `3 h`, `2 d`). */
export function formatAge(ms: number | null | undefined, now = Date.now()): string {
  if (ms == null) return '—'
  const s = Math.max(0, Math.round((now - ms) / 1000))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min`
  if (s < 86400) return `${Math.floor(s / 3600)} h`
  return `${Math.floor(s / 86400)} d`
}
