let loading: Promise<typeof import('undici')> | undefined

/**
 * undici, imported on first use. Importing undici installs its own Agent as the process-wide
 * dispatcher when none is set yet, and Node 20's built-in fetch then runs on it: measured, a
 * `fetch` with an explicit content-length header failed with "invalid content-length header"
 * in any process that had merely imported core. Touching a fetch global first lets Node set up
 * its own dispatcher, so using webhooks changes nothing for the application's fetch calls.
 */
export function loadUndici(): Promise<typeof import('undici')> {
  loading ??= Promise.resolve().then(() => {
    void globalThis.Headers
    return import('undici')
  })
  return loading
}
