import type { BackendEvent, ImError } from '$lib/types';
import type { Backend, EventHandler, Unsubscribe } from './backend';

export type FakeHandler = (args: Record<string, unknown>) => unknown | Promise<unknown>;

/**
 * Unit-test backend: commands answered by registered handlers, every call
 * recorded, events pushed by the test. No network.
 */
export class FakeBackend implements Backend {
  calls: { command: string; args: Record<string, unknown> }[] = [];
  #routes = new Map<string, FakeHandler>();
  #handlers = new Set<EventHandler>();

  handle(command: string, handler: FakeHandler): this {
    this.#routes.set(command, handler);
    return this;
  }

  async call<T>(command: string, args: object = {}): Promise<T> {
    const a = args as Record<string, unknown>;
    this.calls.push({ command, args: a });
    const route = this.#routes.get(command);
    if (!route) throw { code: -1, message: `FakeBackend: no handler for ${command}` } satisfies ImError;
    return (await route(a)) as T;
  }

  onEvent(handler: EventHandler): Unsubscribe {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  emit(name: string, data?: unknown): void {
    const event: BackendEvent = { name, data };
    for (const h of [...this.#handlers]) h(event);
  }

  callsOf(command: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.command === command).map((c) => c.args);
  }
}
