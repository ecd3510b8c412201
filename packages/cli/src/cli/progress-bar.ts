import type { ImportProgress } from '@product-importer/core'

const WIDTH = 24

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000)
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`
}

/** One line of progress: bar (when the size is known), bytes, rows, rows/s and ETA. */
export function formatProgress(p: ImportProgress, bar: boolean): string {
  const parts: string[] = []
  if (p.bytesTotal) {
    const ratio = Math.min(1, p.bytesRead / p.bytesTotal)
    if (bar) {
      const full = Math.round(ratio * WIDTH)
      parts.push(`[${'#'.repeat(full)}${'.'.repeat(WIDTH - full)}] ${Math.floor(ratio * 100)}%`)
    }
    parts.push(`${megabytes(p.bytesRead)}/${megabytes(p.bytesTotal)}`)
  } else {
    parts.push(megabytes(p.bytesRead))
  }
  parts.push(
    `${p.rows.toLocaleString('en-US')} rows`,
    `${p.rowsPerSecond.toLocaleString('en-US')} rows/s`,
  )
  if (p.etaMs !== null) parts.push(`ETA ${seconds(p.etaMs)}`)
  return parts.join('  ')
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal, otherwise a plain line at most
 * once a second.
 */
export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr) {
  const tty = Boolean(stream.isTTY)
  let lastLine = 0
  let drawn = false
  return {
    update(progress: ImportProgress) {
      if (tty) {
        stream.write(`\r\x1b[2K${formatProgress(progress, true)}`)
        drawn = true
        return
      }
      const now = Date.now()
      if (now - lastLine < 1000 && progress.phase !== 'done') return
      lastLine = now
      stream.write(`progress: ${formatProgress(progress, false)}\n`)
    },
    /** Ends a bar line so other output starts on a fresh line. */
    clear() {
      if (tty && drawn) stream.write('\r\x1b[2K')
      drawn = false
    },
  }
}
