/** What {@link h} accepts as children: strings always become text nodes, never markup. */
export type Child = Node | string | number | null | undefined | false | Child[]

type Props = Record<string, string | number | boolean | EventListener | null | undefined>

/**
 * Creates an element. Props starting with `on` become listeners, `true` sets an empty attribute,
 * `false`/`null`/`undefined` leave it out, anything else is set as an attribute. Children that
 * are strings are appended as text, so data from the API can never become markup.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value)
    else if (value === true) element.setAttribute(name, '')
    else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, String(value))
    }
  }
  append(element, children)
  return element
}

/** Appends children (text as text nodes). */
export function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (Array.isArray(child)) append(parent, child)
    else if (child instanceof Node) parent.append(child)
    else if (child !== null && child !== undefined && child !== false) parent.append(String(child))
  }
}

/** Replaces an element's children. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren()
  append(parent, children)
}

/** Moves focus to the page's main heading, so keyboard and screen reader users land on it. */
export function focusHeading(root: Element): void {
  const heading = root.querySelector('h1')
  if (heading) {
    heading.setAttribute('tabindex', '-1')
    heading.focus({ preventScroll: true })
  }
}
