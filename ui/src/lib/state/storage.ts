/** The bit of localStorage the state classes use (injectable in tests). */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class MemoryStorage implements KeyValue {
  #m = new Map<string, string>();
  getItem(key: string): string | null {
    return this.#m.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.#m.set(key, value);
  }
  removeItem(key: string): void {
    this.#m.delete(key);
  }
}

export function browserStorage(): KeyValue {
  try {
    if (typeof localStorage !== 'undefined') return localStorage;
  } catch {
    /* storage disabled */
  }
  return new MemoryStorage();
}

/**
 * Moves what `from` holds to `to` unless `to` holds something already (a
 * key renamed; the old one is removed). Storage that fails is left as it is.
 */
export function moveKey(s: KeyValue, from: string, to: string): void {
  if (from === to) return;
  try {
    const value = s.getItem(from);
    if (value === null || s.getItem(to) !== null) return;
    s.setItem(to, value);
    s.removeItem(from);
  } catch (e) {
    console.warn('moving a stored entry failed', e);
  }
}

export function readJson<T>(s: KeyValue, key: string, fallback: T): T {
  try {
    const raw = s.getItem(key);
    return raw ? ({ ...fallback, ...JSON.parse(raw) } as T) : fallback;
  } catch {
    return fallback;
  }
}
