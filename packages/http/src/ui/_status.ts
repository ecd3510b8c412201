/** Says what an action did in the page's status region, which screen readers announce. */
export function announce(message: string): void {
  const region = document.getElementById('status')
  if (region) region.textContent = message
}
