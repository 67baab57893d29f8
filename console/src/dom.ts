// Building the page from data without ever parsing HTML: every string becomes a text node or an
// attribute value, so a hostname like <img src=x onerror=alert(1)> shows as those characters.
// (The lint configuration forbids innerHTML and friends in this workspace; the page's
// Content-Security-Policy requires Trusted Types, so the browser would refuse them anyway.)
export type Child = Node | string | number | null | undefined | false | Child[];

export interface Props {
  class?: string;
  /** Attributes set with setAttribute; event handler attributes and style are not accepted. */
  attrs?: Record<string, string | number | boolean | undefined>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (e: HTMLElementEventMap[K]) => void }>;
  /** Properties set on the element (value, checked, disabled...). */
  props?: Record<string, unknown>;
  /** Style properties, set through the CSSOM (never a style attribute, which the CSP forbids). */
  style?: Record<string, string>;
}

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
    return;
  }
  parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
}

function setAttrs(el: Element, attrs: Props['attrs']): void {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === false) continue;
    if (/^on/i.test(name) || name.toLowerCase() === 'style') throw new Error(`attribute ${name} is not set from data`);
    if ((name === 'href' || name === 'src') && !/^(\/(?!\/)|#|https?:\/\/)/.test(String(value))) throw new Error(`refusing ${name}="${String(value)}"`);
    el.setAttribute(name, value === true ? '' : String(value));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props?.class) el.className = props.class;
  setAttrs(el, props?.attrs);
  for (const [k, v] of Object.entries(props?.props ?? {})) (el as unknown as Record<string, unknown>)[k] = v;
  for (const [k, v] of Object.entries(props?.style ?? {})) el.style.setProperty(k, v);
  for (const [event, fn] of Object.entries(props?.on ?? {})) el.addEventListener(event, fn as EventListener);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Replaces an element's content. */
export function mount(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}
