// `ioreg -l -w0` text output as a tree: each "+-o Name@loc  <class X, ...>" line opens a node at
// the depth of its "+-o", followed by its properties ("key" = value). Values are kept as text; the
// helpers below read numbers, strings, booleans and <hex data>.

export interface IoregNode {
  name: string;
  className: string;
  depth: number;
  props: Map<string, string>;
  children: IoregNode[];
  parent?: IoregNode;
}

const NODE = /^([ |]*)\+-o (.+?) {2}<class ([^,>]+)/;
const PROP = /^[ |]*"([^"]+)" = (.*)$/;

export function parseIoreg(text: string): IoregNode[] {
  const roots: IoregNode[] = [];
  const stack: IoregNode[] = [];
  let current: IoregNode | undefined;
  for (const line of text.split(/\r?\n/)) {
    const n = NODE.exec(line);
    if (n) {
      const depth = (n[1] ?? '').length;
      const node: IoregNode = { name: n[2] ?? '', className: n[3] ?? '', depth, props: new Map(), children: [] };
      while (stack.length > 0 && (stack[stack.length - 1]?.depth ?? 0) >= depth) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) { node.parent = parent; parent.children.push(node); } else roots.push(node);
      stack.push(node);
      current = node;
      continue;
    }
    const p = PROP.exec(line);
    if (p && current) current.props.set(p[1] ?? '', (p[2] ?? '').trim());
  }
  return roots;
}

export function* walk(nodes: readonly IoregNode[]): Generator<IoregNode> {
  for (const n of nodes) {
    yield n;
    yield* walk(n.children);
  }
}

export function ioNumber(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(0x[0-9a-f]+|-?\d+)$/i.exec(v.trim());
  return m?.[1] ? Number(m[1]) : undefined;
}

export function ioString(v: string | undefined): string | undefined {
  const m = v === undefined ? null : /^"(.*)"$/.exec(v.trim());
  return m?.[1];
}

export const ioBool = (v: string | undefined): boolean | undefined => (v === 'Yes' ? true : v === 'No' ? false : undefined);

/** `<00ffffffffffff00...>` -> bytes. */
export function ioData(v: string | undefined): Buffer | undefined {
  const m = v === undefined ? null : /^<([0-9a-f]*)>$/i.exec(v.trim());
  return m?.[1] && m[1].length % 2 === 0 ? Buffer.from(m[1], 'hex') : undefined;
}
