import { describe, expect, it } from 'vitest';
import { buildList, EmojiPrefs, searchEmoji, withTone } from '$lib/emoji/emoji.svelte';
import { MemoryStorage } from '$lib/state/storage';
import en from 'emojibase-data/en/data.json';
import zh from 'emojibase-data/zh/compact.json';

const list = buildList(en as never, zh as never);

describe('emoji data', () => {
  it('keeps what the font draws: no components, nothing newer than Emoji 15', () => {
    expect(list.length).toBeGreaterThan(1500);
    expect(list.some((e) => e.group === 2)).toBe(false);
    expect(list.find((e) => e.label === 'grinning face')?.emoji).toBe('😀');
  });

  it('searches English names and tags, and Chinese names', () => {
    expect(searchEmoji(list, 'smile').length).toBeGreaterThan(5);
    expect(searchEmoji(list, 'grinning face')[0].emoji).toBe('😀');
    const zhHit = list.find((e) => e.label === 'grinning face')!.zh;
    expect(zhHit).not.toBe('');
    expect(searchEmoji(list, zhHit)[0].emoji).toBe('😀');
    expect(searchEmoji(list, '   ')).toEqual([]);
  });

  it('applies skin tones where they exist', () => {
    const thumbs = list.find((e) => e.label === 'thumbs up')!;
    expect(withTone(thumbs, 3)).toBe('👍🏽');
    expect(withTone(thumbs, 0)).toBe(thumbs.emoji);
    const grin = list.find((e) => e.label === 'grinning face')!;
    expect(withTone(grin, 3)).toBe('😀');
  });
});

describe('emoji preferences', () => {
  it('persists recents (newest first, no duplicates) and the tone', () => {
    const store = new MemoryStorage();
    const a = new EmojiPrefs(store);
    a.used('😀');
    a.used('🎉');
    a.used('😀');
    a.setTone(4);
    const b = new EmojiPrefs(store);
    expect(b.recents).toEqual(['😀', '🎉']);
    expect(b.tone).toBe(4);
  });

  it('ignores damaged saved data', () => {
    const store = new MemoryStorage();
    store.setItem('confab.emoji', '{"recents":[1,"x"],"tone":99}');
    const p = new EmojiPrefs(store);
    expect(p.recents).toEqual(['x']);
    expect(p.tone).toBe(0);
    store.setItem('confab.emoji', 'not json');
    expect(new EmojiPrefs(store).recents).toEqual([]);
  });
});
