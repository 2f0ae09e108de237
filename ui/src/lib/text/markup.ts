// The safe subset of formatting a text message may carry (issue 10, defect
// 5): links (http, https and bare `www.` only), **bold**, _italic_ or
// *italic*, `inline code` and ``` code blocks ```. The result is data (a
// tree of parts) that components render as elements: no HTML is ever built
// from a message, so `<b>` in a message is text.

/** An inline part of a paragraph. */
export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'code'; text: string }
  | { kind: 'bold' | 'italic'; children: Inline[] };

/** A block: a paragraph of inline parts, or a code block shown verbatim. */
export type Block = { kind: 'para'; children: Inline[] } | { kind: 'codeblock'; text: string };

/** Longer texts are shown as they are (no formatting work on huge input). */
export const MAX_FORMATTED = 20_000;

const FENCE = '```';

/** Splits a message into paragraphs and ``` code blocks (an unclosed fence is text). */
export function parseBlocks(text: string): Block[] {
  if (text.length > MAX_FORMATTED) return [{ kind: 'para', children: [{ kind: 'text', text }] }];
  const out: Block[] = [];
  let rest = text;
  for (;;) {
    const open = rest.indexOf(FENCE);
    const close = open < 0 ? -1 : rest.indexOf(FENCE, open + FENCE.length);
    if (open < 0 || close < 0) break;
    const before = rest.slice(0, open).replace(/\n$/, '');
    if (before) out.push({ kind: 'para', children: parseInline(before) });
    let body = rest.slice(open + FENCE.length, close);
    // A language tag on the fence line (```js) is not shown; nor are the
    // line breaks right inside the fences.
    body = body.replace(/^[A-Za-z0-9_+-]*\n/, '').replace(/\n$/, '');
    out.push({ kind: 'codeblock', text: body });
    rest = rest.slice(close + FENCE.length).replace(/^\n/, '');
  }
  if (rest || out.length === 0) out.push({ kind: 'para', children: parseInline(rest) });
  return out;
}

// A URL: http(s):// or www., then anything but spaces and a few delimiters.
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/giu;
const URL_AT = /(?:https?:\/\/|www\.)[^\s<>"'`]+/iuy;
const TRAILING = /[.,;:!?'"’”。，、；：！？)\]}>]$/u;

/** Trims trailing punctuation, keeping a closing bracket that has its opening one inside. */
function trimUrl(raw: string): string {
  let url = raw;
  while (url && TRAILING.test(url)) {
    const last = url[url.length - 1];
    const open = last === ')' ? '(' : last === ']' ? '[' : last === '}' ? '{' : '';
    if (open && count(url, open) >= count(url, last)) break;
    url = url.slice(0, -1);
  }
  return url;
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

/** The address a link opens: `www.` gets https; only http and https pass. */
export function safeHref(raw: string): string | null {
  const candidate = /^www\./i.test(raw) ? `https://${raw}` : raw;
  try {
    const u = new URL(candidate);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    if (!u.hostname) return null;
    return candidate;
  } catch {
    return null;
  }
}

/** Splits text into text and link parts. */
export function linkify(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const start = m.index ?? 0;
    // Not in the middle of a word ("foowww.x" is no link).
    if (start > 0 && /[\p{L}\p{N}_@.-]/u.test(text[start - 1])) continue;
    const url = trimUrl(m[0]);
    const href = url.length > 4 ? safeHref(url) : null;
    if (!href) continue;
    if (start > last) out.push({ kind: 'text', text: text.slice(last, start) });
    out.push({ kind: 'link', text: url, href });
    last = start + url.length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

type Marker = '**' | '*' | '_' | '`';

/** The closing marker for `marker` opened at `from`, or -1 (linear in the text). */
function findClose(text: string, marker: Marker, from: number): number {
  // The inner text may not start with a space, nor cross a blank line.
  if (from >= text.length || (marker !== '`' && /\s/.test(text[from]))) return -1;
  const para = marker === '`' ? -1 : text.indexOf('\n\n', from);
  const limit = para < 0 ? text.length : para;
  let i = from + 1;
  while (i < limit) {
    const j = text.indexOf(marker, i);
    if (j < 0 || j >= limit) return -1;
    const endOk = marker === '`' || !/\s/.test(text[j - 1]);
    // `*` is not half of `**`; `_` closes only before a non-word.
    const single = marker === '*' ? text[j + 1] !== '*' && text[j - 1] !== '*' : true;
    const boundary = marker === '_' ? !/[\p{L}\p{N}]/u.test(text[j + 1] ?? '') : true;
    if (endOk && single && boundary) return j;
    i = j + 1;
  }
  return -1;
}

/**
 * Inline formatting with links. Markers that do not close are text; code
 * spans hold text only; links are found in text (never in code) and their
 * own characters are never formatting.
 */
export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push(...linkify(plain));
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    // A URL is copied whole, so `_` or `*` inside it are no markers.
    if ((text[i] === 'h' || text[i] === 'H' || text[i] === 'w' || text[i] === 'W') && (i === 0 || /[^\p{L}\p{N}_@.-]/u.test(text[i - 1]))) {
      URL_AT.lastIndex = i;
      const m = URL_AT.exec(text);
      if (m) {
        const url = trimUrl(m[0]);
        if (url.length > 4 && safeHref(url)) {
          plain += url;
          i += url.length;
          continue;
        }
      }
    }
    const c = text[i];
    // A run of backticks (an unclosed fence) is text.
    if (c === '`' && text[i + 1] === '`') {
      let j = i;
      while (text[j] === '`') j++;
      plain += text.slice(i, j);
      i = j;
      continue;
    }
    const marker: Marker | null = c === '`' ? '`' : c === '*' ? (text[i + 1] === '*' ? '**' : '*') : c === '_' ? '_' : null;
    // `_` opens only at a word start (snake_case stays as it is).
    const opens = marker && !(marker === '_' && i > 0 && /[\p{L}\p{N}]/u.test(text[i - 1]));
    if (marker && opens) {
      const from = i + marker.length;
      const close = findClose(text, marker, from);
      if (close >= 0) {
        flush();
        const inner = text.slice(from, close);
        if (marker === '`') out.push({ kind: 'code', text: inner });
        else {
          const kind = marker === '**' ? 'bold' : 'italic';
          // Nesting is bounded: deeper markers are text.
          out.push({ kind, children: depth < 3 ? parseInline(inner, depth + 1) : linkify(inner) });
        }
        i = close + marker.length;
        continue;
      }
      plain += marker;
      i += marker.length;
      continue;
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}

function inlineText(parts: Inline[]): string {
  return parts.map((p) => ('children' in p ? inlineText(p.children) : p.text)).join('');
}

/** The text without markers (conversation list, notifications). */
export function plainText(text: string): string {
  return parseBlocks(text)
    .map((b) => (b.kind === 'codeblock' ? b.text : inlineText(b.children)))
    .join('\n');
}
