import { toFailure } from '../_api.js'

/** An upload this tab is sending. */
export interface Upload {
  loaded: number
  total: number
  done: boolean
  error?: string
  listeners: Set<() => void>
}

// Uploads outlive the page that started them: the job page shows the one it belongs to.
const uploads = new Map<string, Upload>()

/** The upload of a job, when this tab sends it. */
export function uploadOf(jobId: string): Upload | undefined {
  return uploads.get(jobId)
}

/**
 * Sends the file of a pending job. XHR rather than fetch: only XHR reports upload progress.
 */
export function sendFile(jobId: string, file: File): Upload {
  const upload: Upload = { loaded: 0, total: file.size, done: false, listeners: new Set() }
  uploads.set(jobId, upload)
  const changed = () => {
    for (const listener of upload.listeners) listener()
  }
  const xhr = new XMLHttpRequest()
  xhr.open('PUT', `api/import/${jobId}/file`)
  xhr.setRequestHeader('content-type', 'text/csv')
  xhr.upload.addEventListener('progress', (event) => {
    upload.loaded = event.loaded
    if (event.lengthComputable) upload.total = event.total
    changed()
  })
  xhr.addEventListener('load', () => {
    upload.done = true
    upload.loaded = upload.total
    if (xhr.status >= 400) {
      let body: unknown = null
      try {
        body = JSON.parse(xhr.responseText)
      } catch {}
      upload.error = toFailure(xhr.status, body).message
    }
    changed()
  })
  xhr.addEventListener('error', () => {
    upload.done = true
    upload.error = 'The upload was interrupted'
    changed()
  })
  xhr.send(file)
  return upload
}
