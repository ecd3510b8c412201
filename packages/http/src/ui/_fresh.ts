import { api } from './_api.js'

/** How often a page looks again while an import is pending or running: a few small reads. */
const WHILE_IMPORTING_MS = 2000

interface Snapshot {
  /** What the page shows depends on: products (count, latest change) and recent jobs. */
  key: string
  importing: boolean
}

async function snapshot(): Promise<Snapshot> {
  // The most recently changed product and the total change with every create, edit, delete,
  // bulk change and import that changed anything; the jobs say when an import starts or ends.
  const [products, jobs] = await Promise.all([
    api<{ total: number; items: { id: string; updated_at: string }[] }>(
      'api/products/?page_size=1&sort=-updated_at',
    ),
    api<{ items: { job_id: string; status: string }[] }>('api/import/jobs/?limit=5'),
  ])
  const latest = products.items[0]
  return {
    key: [
      products.total,
      latest?.id,
      latest?.updated_at,
      ...jobs.items.map((job) => `${job.job_id}:${job.status}`),
    ].join('|'),
    importing: jobs.items.some((job) => job.status === 'pending' || job.status === 'running'),
  }
}

/**
 * Calls `refresh` when what the server holds changed since the page was shown: an import or a
 * bulk change run elsewhere (the API, a script, another tab). The server has no stream for all
 * changes, so the page looks again when its tab is shown or its window gets focus, and every
 * {@link WHILE_IMPORTING_MS} while an import is pending or running (only while the tab is
 * visible). `refresh` answers false when it cannot redraw now (a selection or dialog the user
 * is in): the change stays unseen and is offered again next time. Returns the function that
 * stops watching.
 */
export function watchForChanges(refresh: () => boolean): () => void {
  let seen: string | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  let looking = false
  const look = async () => {
    if (stopped || looking || document.visibilityState !== 'visible') return
    looking = true
    clearTimeout(timer)
    let importing = false
    try {
      const now = await snapshot()
      importing = now.importing
      if (stopped) return
      if (seen === undefined || now.key === seen || refresh()) seen = now.key
    } catch {
      // A failed look changes nothing shown; the next one tries again.
    } finally {
      looking = false
    }
    if (importing && !stopped) timer = setTimeout(() => void look(), WHILE_IMPORTING_MS)
  }
  const onVisible = () => void look()
  document.addEventListener('visibilitychange', onVisible)
  window.addEventListener('focus', onVisible)
  void look()
  return () => {
    stopped = true
    clearTimeout(timer)
    document.removeEventListener('visibilitychange', onVisible)
    window.removeEventListener('focus', onVisible)
  }
}
