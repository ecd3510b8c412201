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

/**
 * Runs an action started by a button, with the buttons it names disabled until it ends and the
 * pressed one marked busy (a spinner beside its label), so a double click or an impatient second press never starts the work twice. A press
 * while the action runs does nothing. Failures are announced as {@link attempt} does.
 */
export async function whileBusy(
  buttons: readonly HTMLButtonElement[],
  action: () => Promise<unknown>,
): Promise<void> {
  if (buttons.some((button) => button.disabled)) return
  const pressed = document.activeElement
  const busy = buttons.find((button) => button === pressed) ?? buttons[0]
  busy?.setAttribute('aria-busy', 'true')
  for (const button of buttons) button.disabled = true
  try {
    await attempt(action)
  } finally {
    for (const button of buttons) button.disabled = false
    busy?.removeAttribute('aria-busy')
    // A dialog the action opened hands focus back while the button is still disabled, which
    // drops it to the page: give it back to the button once it can take it.
    if (
      document.activeElement === document.body &&
      pressed instanceof HTMLElement &&
      pressed.isConnected
    ) {
      pressed.focus()
    }
  }
}
