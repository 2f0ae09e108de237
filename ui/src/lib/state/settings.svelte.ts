import { matchLocale, type Locale } from '$lib/i18n/i18n.svelte';
import { readJson, type KeyValue } from './storage';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type LanguageChoice = 'system' | Locale;

interface Saved {
  theme: ThemeChoice;
  language: LanguageChoice;
}

const KEY = 'confab.settings';

/** Theme and language: follow the system unless overridden; remembered. */
export class Settings {
  theme = $state<ThemeChoice>('system');
  language = $state<LanguageChoice>('system');
  /** The system's locale tag (the app's, else the browser's). */
  systemLocale = $state('en');

  locale: Locale = $derived(this.language === 'system' ? matchLocale(this.systemLocale) : this.language);

  #storage: KeyValue;

  constructor(storage: KeyValue, systemLocale = 'en') {
    this.#storage = storage;
    this.systemLocale = systemLocale;
    const saved = readJson<Saved>(storage, KEY, { theme: 'system', language: 'system' });
    this.theme = saved.theme;
    this.language = saved.language;
  }

  setTheme(theme: ThemeChoice): void {
    this.theme = theme;
    this.#save();
  }

  setLanguage(language: LanguageChoice): void {
    this.language = language;
    this.#save();
  }

  #save(): void {
    this.#storage.setItem(KEY, JSON.stringify({ theme: this.theme, language: this.language } satisfies Saved));
  }
}
