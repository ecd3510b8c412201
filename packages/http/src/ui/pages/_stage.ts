import { AUTH_REQUIRED, toFailure } from '../_api.js'

/** A staged upload as the API returns it. */
export interface UploadJson {
  upload_id: string
  filename: string | null
  size: number
  expires_at: string
}

/**
 * Stages a file on the server, reporting upload progress. XHR rather than fetch: only XHR
 * reports the progress of what it sends.
 */
export function stageFile(
  file: File,
  onProgress: (loaded: number, total: number) => void,
): Promise<UploadJson> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `api/uploads/?filename=${encodeURIComponent(file.name)}`)
    xhr.setRequestHeader('content-type', 'text/csv')
    xhr.upload.addEventListener('progress', (event) => {
      onProgress(event.loaded, event.lengthComputable ? event.total : file.size)
    })
    xhr.addEventListener('load', () => {
      let body: unknown = null
      try {
        body = JSON.parse(xhr.responseText)
      } catch {}
      if (xhr.status === 201) resolve(body as UploadJson)
      else {
        if (xhr.status === 401) window.dispatchEvent(new CustomEvent(AUTH_REQUIRED))
        reject(toFailure(xhr.status, body))
      }
    })
    xhr.addEventListener('error', () => reject(new Error('The upload was interrupted')))
    xhr.send(file)
  })
}
