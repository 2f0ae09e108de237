import { describe, expect, it } from 'vitest';
import { linkify, parseBlocks, parseInline, plainText, safeHref, type Inline } from '$lib/text/markup';

const links = (text: string) => linkify(text).filter((p) => p.kind === 'link');

describe('links', () => {
  it('finds http, https and bare www. addresses', () => {
    expect(links('a http://x.org b https://y.org/p?q=1#f c www.z.org')).toEqual([
      { kind: 'link', text: 'http://x.org', href: 'http://x.org' },
      { kind: 'link', text: 'https://y.org/p?q=1#f', href: 'https://y.org/p?q=1#f' },
      { kind: 'link', text: 'www.z.org', href: 'https://www.z.org' },
    ]);
  });

  it('never links javascript:, data: or other schemes', () => {
    expect(links('javascript:alert(1) data:text/html,<b>x</b> ftp://x.org mailto:a@b.c file:///etc/passwd')).toEqual([]);
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('JAVASCRIPT://x.org/%0aalert(1)')).toBeNull();
    expect(safeHref('https://')).toBeNull();
  });

  it('leaves trailing punctuation out and keeps balanced parentheses in', () => {
    expect(links('see https://en.wikipedia.org/wiki/Rust_(language).')[0]).toMatchObject({
      href: 'https://en.wikipedia.org/wiki/Rust_(language)',
    });
    expect(links('(see https://x.org/a)')[0]).toMatchObject({ href: 'https://x.org/a' });
    expect(links('https://x.org/a, and https://y.org!')).toHaveLength(2);
    expect(links('看 https://x.org/a。')[0]).toMatchObject({ href: 'https://x.org/a' });
  });

  it('does not break on quotes or angle brackets', () => {
    expect(links('<https://x.org/"onmouseover=alert(1)>')[0]).toMatchObject({ href: 'https://x.org/' });
  });

  it('does not link inside a word', () => {
    expect(links('foowww.x.org user@www.x.org')).toEqual([]);
  });
});

describe('inline formatting', () => {
  it('renders bold, both italics and code', () => {
    expect(parseInline('**b** _i_ *j* `c`')).toEqual([
      { kind: 'bold', children: [{ kind: 'text', text: 'b' }] },
      { kind: 'text', text: ' ' },
      { kind: 'italic', children: [{ kind: 'text', text: 'i' }] },
      { kind: 'text', text: ' ' },
      { kind: 'italic', children: [{ kind: 'text', text: 'j' }] },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 'c' },
    ]);
  });

  it('keeps unclosed and lone markers as text', () => {
    expect(plainText('**open _half `tick 2 * 3 = 6')).toBe('**open _half `tick 2 * 3 = 6');
    expect(parseInline('a ** b')).toEqual([{ kind: 'text', text: 'a ** b' }]);
  });

  it('leaves snake_case and markers inside URLs alone', () => {
    expect(plainText('my_var_name')).toBe('my_var_name');
    const parts = parseInline('https://x.org/a_b_c*d*');
    expect(parts).toEqual([{ kind: 'link', text: 'https://x.org/a_b_c*d*', href: 'https://x.org/a_b_c*d*' }]);
  });

  it('nests, boundedly', () => {
    const parts = parseInline('**bold _both_**');
    expect(parts[0]).toEqual({
      kind: 'bold',
      children: [{ kind: 'text', text: 'bold ' }, { kind: 'italic', children: [{ kind: 'text', text: 'both' }] }],
    });
    const deep = parseInline('**_*`x`*_**');
    expect(plainText('**_*`x`*_**')).toBe('x');
    expect(deep).toHaveLength(1);
  });

  it('shows HTML as text (parts are data, never markup)', () => {
    expect(parseInline('<b>x</b> <img src=x onerror=alert(1)>')).toEqual([
      { kind: 'text', text: '<b>x</b> <img src=x onerror=alert(1)>' },
    ]);
    expect(parseInline('`<script>`')).toEqual([{ kind: 'code', text: '<script>' }]);
  });

  it('code spans hold no formatting and no links', () => {
    expect(parseInline('`**x** https://x.org`')).toEqual([{ kind: 'code', text: '**x** https://x.org' }]);
  });

  it('links inside bold', () => {
    const parts = parseInline('**see https://x.org**');
    expect((parts[0] as { children: Inline[] }).children[1]).toMatchObject({ kind: 'link', href: 'https://x.org' });
  });
});

describe('blocks', () => {
  it('splits out code blocks, dropping a language tag', () => {
    expect(parseBlocks('before\n```js\nlet a = **1**;\n```\nafter')).toEqual([
      { kind: 'para', children: [{ kind: 'text', text: 'before' }] },
      { kind: 'codeblock', text: 'let a = **1**;' },
      { kind: 'para', children: [{ kind: 'text', text: 'after' }] },
    ]);
  });

  it('an unclosed fence is text', () => {
    expect(plainText('```\nno end')).toBe('```\nno end');
  });

  it('the plain text has no markers', () => {
    expect(plainText('**Hi** _there_, `x`\n```\ncode\n```')).toBe('Hi there, x\ncode');
  });
});

describe('hostile input', () => {
  const LONG = 5_000;
  for (const [name, text] of [
    ['stars', '*'.repeat(LONG)],
    ['underscores', '_'.repeat(LONG)],
    ['backticks', '`'.repeat(LONG)],
    ['alternating openers', '**_*`'.repeat(LONG / 5)],
    ['unclosed bold words', '**a '.repeat(LONG / 4)],
    ['www runs', 'www.'.repeat(LONG / 4)],
    ['one long URL', `https://x.org/${'a'.repeat(LONG)}`],
    ['mixed', 'x'.repeat(LONG)],
  ] as const) {
    it(`${name} (${text.length} chars) parses and keeps every character`, () => {
      // vitest's per-test timeout is the hang guard (no timing asserted).
      const plain = plainText(text);
      if (!text.includes('`') && !text.includes('*') && !text.includes('_')) expect(plain).toBe(text);
      expect(plain.length).toBeGreaterThan(0);
    });
  }
});
