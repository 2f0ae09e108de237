// The emoji picker's data and preferences (issue 10, defect 4). The data
// (emojibase-data, MIT) is imported lazily, on the picker's first opening,
// so the main bundle stays small. Recents and the skin tone persist.
import { browserStorage, type KeyValue } from '$lib/state/storage';

/** One emoji of the picker. */
export interface Emoji {
  /** The emoji in its default tone. */
  emoji: string;
  /** English name ("grinning face"). */
  label: string;
  /** Chinese name when the data has it. */
  zh: string;
  /** Search words (English). */
  tags: string[];
  /** emojibase group (0 smileys … 9 flags). */
  group: number;
  /** The five skin tones (light … dark), when it has them. */
  skins: string[] | null;
}

/** The categories shown, in order (emojibase group numbers; 2, skin-tone components, left out). */
export const GROUPS = [0, 1, 3, 4, 5, 6, 7, 8, 9] as const;

/** The newest Unicode emoji version the shipped font (Twemoji 15) draws. */
export const MAX_EMOJI_VERSION = 15;

interface RawEmoji {
  label: string;
  hexcode: string;
  emoji: string;
  tags?: string[];
  group?: number;
  version: number;
  skins?: { emoji: string; tone?: number | number[]; version: number }[];
}

let cache: Promise<Emoji[]> | null = null;

/** Loads the list once (a separate chunk). */
export function loadEmoji(): Promise<Emoji[]> {
  cache ??= Promise.all([import('emojibase-data/en/data.json'), import('emojibase-data/zh/compact.json')]).then(
    ([en, zh]) => buildList(en.default as RawEmoji[], zh.default as { hexcode: string; label: string }[]),
  );
  return cache;
}

/** The picker's list from emojibase's data: drawable by the font, no components, keycaps left out. */
export function buildList(en: RawEmoji[], zh: { hexcode: string; label: string }[]): Emoji[] {
  const zhNames = new Map(zh.map((e) => [e.hexcode, e.label]));
  return en
    .filter((e) => e.group !== undefined && e.group !== 2 && e.version <= MAX_EMOJI_VERSION && !e.hexcode.endsWith('20E3'))
    .map((e) => {
      const skins = (e.skins ?? []).filter((s) => typeof s.tone === 'number' && s.version <= MAX_EMOJI_VERSION);
      return {
        emoji: e.emoji,
        label: e.label,
        zh: zhNames.get(e.hexcode) ?? '',
        tags: e.tags ?? [],
        group: e.group!,
        skins: skins.length === 5 ? skins.map((s) => s.emoji) : null,
      };
    });
}

/** Emoji whose English name, tags or Chinese name contain the query; name matches first. */
export function searchEmoji(list: readonly Emoji[], query: string): Emoji[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const byName: Emoji[] = [];
  const byTag: Emoji[] = [];
  for (const e of list) {
    if (e.label.includes(q) || e.zh.includes(q)) byName.push(e);
    else if (e.tags.some((t) => t.includes(q))) byTag.push(e);
  }
  return [...byName, ...byTag];
}

/** The emoji in a skin tone (0 = default, 1–5 = light … dark). */
export function withTone(e: Emoji, tone: number): string {
  return tone > 0 && e.skins ? e.skins[tone - 1] : e.emoji;
}

const KEY = 'confab.emoji';
const MAX_RECENTS = 24;

/** Recently used emoji (newest first) and the skin tone, persisted. */
export class EmojiPrefs {
  recents: string[] = $state([]);
  tone = $state(0);
  #store: KeyValue;

  constructor(store: KeyValue = browserStorage()) {
    this.#store = store;
    try {
      const saved = JSON.parse(store.getItem(KEY) ?? '{}') as { recents?: unknown; tone?: unknown };
      if (Array.isArray(saved.recents)) this.recents = saved.recents.filter((x): x is string => typeof x === 'string' && x.length <= 32).slice(0, MAX_RECENTS);
      if (typeof saved.tone === 'number' && saved.tone >= 0 && saved.tone <= 5) this.tone = Math.floor(saved.tone);
    } catch {
      /* unreadable: defaults */
    }
  }

  /** Moves `emoji` to the front of the recents. */
  used(emoji: string): void {
    this.recents = [emoji, ...this.recents.filter((x) => x !== emoji)].slice(0, MAX_RECENTS);
    this.#save();
  }

  /** Sets the skin tone (0–5). */
  setTone(tone: number): void {
    this.tone = tone;
    this.#save();
  }

  #save(): void {
    this.#store.setItem(KEY, JSON.stringify({ recents: this.recents, tone: this.tone }));
  }
}
