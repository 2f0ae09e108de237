import { en, zhCN, type Entry, type MessageKey } from './messages';

export type Locale = 'en' | 'zh-CN';
export const LOCALES: Locale[] = ['en', 'zh-CN'];

/** Maps any BCP 47 tag to a supported locale (zh* → zh-CN, else en). */
export function matchLocale(tag: string | null | undefined): Locale {
  return tag && /^zh\b/i.test(tag.replace('_', '-')) ? 'zh-CN' : 'en';
}

const DICTS: Record<Locale, Record<MessageKey, Entry>> = { en, 'zh-CN': zhCN };

export type Params = Record<string, string | number>;

/** All UI text: translation, plurals, dates, times, sizes. */
export class I18n {
  #source: () => Locale;
  /** The effective locale. */
  locale: Locale = $derived.by(() => this.#source());

  #plural = $derived(new Intl.PluralRules(this.locale));
  // `numeric` hours: "3:06 PM" in English, "15:06" in Chinese, no leading zero.
  #time = $derived(new Intl.DateTimeFormat(this.locale, { hour: 'numeric', minute: '2-digit' }));
  #weekday = $derived(new Intl.DateTimeFormat(this.locale, { weekday: 'long' }));
  #date = $derived(new Intl.DateTimeFormat(this.locale, { year: 'numeric', month: 'long', day: 'numeric' }));
  #shortDate = $derived(new Intl.DateTimeFormat(this.locale, { month: 'numeric', day: 'numeric', year: '2-digit' }));
  #number = $derived(new Intl.NumberFormat(this.locale, { maximumFractionDigits: 1 }));

  /** Follows `source` (e.g. the settings' effective locale), or a fixed locale. */
  constructor(source: Locale | (() => Locale) = 'en') {
    this.#source = typeof source === 'function' ? source : () => source;
  }

  t(key: MessageKey, params: Params = {}): string {
    const entry = DICTS[this.locale][key] ?? en[key];
    let text: string;
    if (typeof entry === 'string') text = entry;
    else {
      const n = Number(params.count ?? 0);
      text = entry[this.#plural.select(n)] ?? entry.other;
    }
    return text.replace(/\{(\w+)\}/g, (m, name: string) =>
      name in params ? (typeof params[name] === 'number' ? this.#number.format(params[name] as number) : String(params[name])) : m,
    );
  }

  /**
   * "Code 90007" for support: a TIM error code is an identifier, so it is
   * never grouped with thousands separators ("90,007").
   */
  code(code: number): string {
    return this.t('common.code', { code: String(code) });
  }

  /** A clock time in the UI locale: "3:06 PM" (en), "15:06" (zh-CN). */
  time(seconds: number): string {
    return this.#time.format(seconds * 1000);
  }

  /** A date separator: Today, Yesterday, a weekday within a week, else the date. */
  day(seconds: number, now: Date = new Date()): string {
    const d = new Date(seconds * 1000);
    const days = dayDiff(d, now);
    if (days === 0) return this.t('date.today');
    if (days === 1) return this.t('date.yesterday');
    if (days > 1 && days < 7) return this.#weekday.format(d);
    return this.#date.format(d);
  }

  /** Conversation list time: time today, Yesterday, weekday, else a short date. */
  listTime(seconds: number, now: Date = new Date()): string {
    if (!seconds) return '';
    const d = new Date(seconds * 1000);
    const days = dayDiff(d, now);
    if (days === 0) return this.time(seconds);
    if (days === 1) return this.t('date.yesterday');
    if (days > 1 && days < 7) return this.#weekday.format(d);
    return this.#shortDate.format(d);
  }

  /** "1.5 MB". */
  fileSize(bytes: number): string {
    const units = ['B', 'KB', 'MB', 'GB'];
    let v = bytes;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${this.#number.format(v)} ${units[i]}`;
  }
}

/** Whole calendar days between two dates (local time), `now` minus `d`. */
export function dayDiff(d: Date, now: Date): number {
  const a = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const b = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  return Math.round((b - a) / 86_400_000);
}

/** Same local calendar day. */
export function sameDay(a: number, b: number): boolean {
  return dayDiff(new Date(a * 1000), new Date(b * 1000)) === 0;
}
