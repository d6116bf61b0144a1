// Minimal XML element parser, enough for VTK XML headers (no DTDs, no CDATA).

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export function parseXml(text: string, where: string): XmlElement {
  const root: XmlElement = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const tag = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    const top = stack[stack.length - 1];
    top.text += text.slice(last, m.index);
    last = tag.lastIndex;
    if (m[2] === undefined) continue; // comment or processing instruction
    if (m[1] === '/') {
      if (top.name !== m[2]) throw new Error(`${where}: malformed XML, </${m[2]}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3].matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]] = unescapeXml(a[2] ?? a[3]);
    const el: XmlElement = { name: m[2], attrs, children: [], text: '' };
    top.children.push(el);
    if (m[4] !== '/') stack.push(el);
  }
  stack[stack.length - 1].text += text.slice(last);
  if (stack.length > 1) throw new Error(`${where}: malformed XML, <${stack[stack.length - 1].name}> is never closed`);
  return root;
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function requireChild(el: XmlElement, name: string, where: string): XmlElement {
  const c = child(el, name);
  if (!c) throw new Error(`${where}: missing <${name}> inside <${el.name}>`);
  return c;
}
