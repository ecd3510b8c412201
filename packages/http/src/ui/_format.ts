const numbers = new Intl.NumberFormat('en')

/** A count with thousands separators. */
export function count(n: number): string {
  return numbers.format(n)
}

/** A moment as local date and time. */
export function dateTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' }) : ''
}

/** A duration in milliseconds as `1 min 5 s`. */
export function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'unknown'
  const seconds = Math.max(0, Math.round(ms / 1000))
  if (seconds < 60) return `${seconds} s`
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
}

/** A byte size as `1.2 MB`. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}
