import type { Message } from '$lib/types';
import { messageKey } from '$lib/state/names';
import { dayDiff } from '$lib/i18n/i18n.svelte';
import { isSystemLine } from '$lib/state/group-text';

export type Row =
  | { kind: 'top'; key: 'top' }
  | { kind: 'day'; key: string; time: number }
  | { kind: 'unread'; key: 'unread' }
  | { kind: 'msg'; key: string; message: Message; first: boolean; last: boolean }
  /** A group tip or system notice: a muted line, never grouped with bubbles. */
  | { kind: 'tip'; key: string; message: Message };

/** Consecutive messages from one sender within this many seconds group together. */
export const GROUP_GAP = 5 * 60;

function sameDay(a: number, b: number): boolean {
  return dayDiff(new Date(a * 1000), new Date(b * 1000)) === 0;
}

/** Flattens messages into rows: day separators, the unread divider, grouping. */
export function buildRows(messages: readonly Message[], firstUnreadKey: string | null): Row[] {
  const rows: Row[] = [{ kind: 'top', key: 'top' }];
  let prev: Message | null = null;
  let prevRow: Extract<Row, { kind: 'msg' }> | null = null;
  for (const m of messages) {
    const key = messageKey(m);
    let breakGroup = false;
    if (!prev || !sameDay(prev.time, m.time)) {
      rows.push({ kind: 'day', key: `d:${m.time}`, time: m.time });
      breakGroup = true;
    }
    if (key === firstUnreadKey) {
      rows.push({ kind: 'unread', key: 'unread' });
      breakGroup = true;
    }
    if (isSystemLine(m)) {
      if (prevRow) prevRow.last = true;
      rows.push({ kind: 'tip', key, message: m });
      prev = m;
      prevRow = null;
      continue;
    }
    const grouped =
      !breakGroup && !(prev && isSystemLine(prev)) && prev !== null && prev.from === m.from && prev.flow === m.flow && m.time - prev.time <= GROUP_GAP;
    if (!grouped && prevRow) prevRow.last = true;
    const row: Extract<Row, { kind: 'msg' }> = { kind: 'msg', key, message: m, first: !grouped, last: false };
    rows.push(row);
    prev = m;
    prevRow = row;
  }
  if (prevRow) prevRow.last = true;
  return rows;
}
