// One instance of a piece of app state per AppModel, made on first use.
import type { AppModel } from './app.svelte';

/**
 * A getter that makes `make(app)` once per app and returns it after. The
 * instance lives as long as the app, not as the component that first asked
 * for it: it is made in an effect root of its own, so that its `$derived`
 * fields belong to no component (the main view is made again when another
 * account is shown or the local store is restored; deriveds of a destroyed
 * component would go stale).
 */
export function perApp<T>(make: (app: AppModel) => T): (app: AppModel) => T {
  const registry = new WeakMap<AppModel, T>();
  return (app) => {
    let made = registry.get(app);
    if (made === undefined) {
      let instance: T | undefined;
      // Never cleaned up: the app (and so the instance) lives as long as the page.
      $effect.root(() => {
        instance = make(app);
      });
      // Outside a browser (the server build the unit tests run on) an effect root runs nothing.
      made = instance === undefined ? make(app) : instance;
      registry.set(app, made);
    }
    return made;
  };
}
