// One instance of a piece of app state per AppModel, made on first use.
import type { AppModel } from './app.svelte';

/** A getter that makes `make(app)` once per app and returns it after. */
export function perApp<T>(make: (app: AppModel) => T): (app: AppModel) => T {
  const registry = new WeakMap<AppModel, T>();
  return (app) => {
    let made = registry.get(app);
    if (made === undefined) {
      made = make(app);
      registry.set(app, made);
    }
    return made;
  };
}
