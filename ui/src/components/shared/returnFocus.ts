/**
 * Focus return for dialogs and viewers: what had the focus before one opened
 * gets it back when it closes (Esc, a close button, a click outside).
 */

/** The element that has the focus now: call it before moving the focus into a dialog. */
export function focusedElement(): HTMLElement | null {
  const el = document.activeElement;
  return el instanceof HTMLElement && el !== document.body ? el : null;
}

/**
 * Gives the focus back to `opener` as the dialog `node` closes — unless the
 * focus has already gone somewhere else outside the dialog (something the
 * dialog opened took it), or the opener is gone from the page.
 */
export function returnFocus(node: HTMLElement, opener: HTMLElement | null): void {
  if (!opener || !opener.isConnected || node.contains(opener)) return;
  const now = document.activeElement;
  if (now && now !== document.body && !node.contains(now)) return;
  opener.focus({ preventScroll: true });
}
