/** Whether the window has focus and is visible. */
export class WindowFocus {
  focused = $state(true);
  #listeners = new Set<(focused: boolean) => void>();

  constructor(initial = true) {
    this.focused = initial;
  }

  /** Follows a real window's focus and visibility. */
  attach(win: Window): () => void {
    const update = () => this.set(win.document.hasFocus() && win.document.visibilityState === 'visible');
    win.addEventListener('focus', update);
    win.addEventListener('blur', update);
    win.document.addEventListener('visibilitychange', update);
    update();
    return () => {
      win.removeEventListener('focus', update);
      win.removeEventListener('blur', update);
      win.document.removeEventListener('visibilitychange', update);
    };
  }

  set(focused: boolean): void {
    if (focused === this.focused) return;
    this.focused = focused;
    for (const l of [...this.#listeners]) l(focused);
  }

  onChange(listener: (focused: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
