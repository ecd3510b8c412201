let timer: ReturnType<typeof setTimeout> | undefined

/**
 * Says what an action did in the page's status region, which screen readers announce; the
 * message goes after a while so it does not cover the page.
 */
export function announce(message: string): void {
  const region = document.getElementById('status')
  if (!region) return
  region.textContent = message
  clearTimeout(timer)
  timer = setTimeout(() => {
    region.textContent = ''
  }, 6000)
}

/** Runs an action started from the page, announcing why it failed if it does. */
export async function attempt(action: () => Promise<unknown>): Promise<void> {
  try {
    await action()
  } catch (failure) {
    announce(failure instanceof Error ? failure.message : String(failure))
  }
}
