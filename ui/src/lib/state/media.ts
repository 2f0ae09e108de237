// Pure rules for file and message-operation features (issue 5): the type of
// a dropped file, previews, action availability, merged-forward summaries.
import type { LastMessage, Message } from '$lib/types';
import { TYPES } from '$lib/tim';
import type { MessageKey } from '$lib/i18n/messages';
import { plainText } from '$lib/text/markup';

export type FileKind = 'image' | 'video' | 'file';

const IMAGE_EXT = new Set(['jpg', 'jpeg', 'png', 'gif', 'webp', 'bmp']);
const VIDEO_EXT = new Set(['mp4', 'mov', 'webm']);
const IMAGE_MIME = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp']);
const VIDEO_MIME = new Set(['video/mp4', 'video/quicktime', 'video/webm']);

/** `report.PDF` → `pdf`. */
export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const i = base.lastIndexOf('.');
  return i > 0 ? base.slice(i + 1).toLowerCase() : '';
}

/**
 * A file name split for middle truncation: `head` may be cut with an
 * ellipsis, `tail` (the last few characters of the stem and the extension)
 * always stays visible. `head + tail === name`.
 */
export function splitFileName(name: string, keep = 6): { head: string; tail: string } {
  const chars = [...name];
  const dot = name.lastIndexOf('.');
  // An extension is short and not the whole name (".bashrc" has none).
  const extLength = dot > 0 && name.length - dot <= 10 ? [...name.slice(dot)].length : 0;
  const tailLength = Math.min(chars.length, extLength + keep);
  // Short names need no cut.
  if (chars.length <= tailLength + 4) return { head: '', tail: name };
  return { head: chars.slice(0, chars.length - tailLength).join(''), tail: chars.slice(chars.length - tailLength).join('') };
}

/** `C:\a\b.png` or `/a/b.png` → `b.png`. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/**
 * The message type a dropped / picked file becomes (contract): jpeg, png,
 * gif, webp, bmp → image; mp4, quicktime, webm → video; everything else,
 * audio files included, → file. The MIME type wins when known.
 */
export function kindOfFile(name: string, mime = ''): FileKind {
  const t = mime.toLowerCase();
  if (IMAGE_MIME.has(t)) return 'image';
  if (VIDEO_MIME.has(t)) return 'video';
  if (t && t !== 'application/octet-stream') return 'file';
  const ext = extensionOf(name);
  if (IMAGE_EXT.has(ext)) return 'image';
  if (VIDEO_EXT.has(ext)) return 'video';
  return 'file';
}

export const MESSAGE_TYPE_OF_KIND: Record<FileKind, string> = {
  image: TYPES.MSG_IMAGE,
  video: TYPES.MSG_VIDEO,
  file: TYPES.MSG_FILE,
};

/** An icon family for a file card, by extension. */
export function fileIconOf(name: string): 'doc' | 'sheet' | 'slides' | 'pdf' | 'archive' | 'image' | 'video' | 'audio' | 'code' | 'text' | 'file' {
  const ext = extensionOf(name);
  if (ext === 'pdf') return 'pdf';
  if (['doc', 'docx', 'odt', 'rtf', 'pages'].includes(ext)) return 'doc';
  if (['xls', 'xlsx', 'ods', 'csv', 'numbers'].includes(ext)) return 'sheet';
  if (['ppt', 'pptx', 'odp', 'key'].includes(ext)) return 'slides';
  if (['zip', 'rar', '7z', 'tar', 'gz', 'bz2', 'xz', 'tgz'].includes(ext)) return 'archive';
  if (IMAGE_EXT.has(ext) || ['svg', 'heic', 'tiff', 'ico'].includes(ext)) return 'image';
  if (VIDEO_EXT.has(ext) || ['mkv', 'avi', 'm4v'].includes(ext)) return 'video';
  if (['mp3', 'wav', 'ogg', 'm4a', 'flac', 'aac', 'opus'].includes(ext)) return 'audio';
  if (['js', 'ts', 'rs', 'py', 'go', 'java', 'c', 'cpp', 'h', 'json', 'html', 'css', 'sh', 'toml', 'yaml', 'yml'].includes(ext)) return 'code';
  if (['txt', 'md', 'log'].includes(ext)) return 'text';
  return 'file';
}

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The summary of a message body: text itself, or "[Image]", "[File] name", …. */
export function bodyPreview(type: string, payload: Record<string, unknown> | null | undefined, t: T, fallback = ''): string {
  const p = payload ?? {};
  switch (type) {
    case TYPES.MSG_TEXT:
      return typeof p.text === 'string' ? plainText(p.text) : fallback;
    case TYPES.MSG_IMAGE:
      return t('preview.image');
    case TYPES.MSG_VIDEO:
      return t('preview.video');
    case TYPES.MSG_AUDIO:
      return t('preview.voice');
    case TYPES.MSG_FILE:
      return t('preview.file', { name: String(p.fileName ?? '') }).trim();
    case TYPES.MSG_LOCATION:
      return t('preview.location', { description: String(p.description ?? '') }).trim();
    case TYPES.MSG_FACE:
      return t('preview.face');
    case TYPES.MSG_CUSTOM:
      return t('preview.custom');
    case TYPES.MSG_MERGER:
      return t('preview.merger');
    default:
      return fallback || t('chat.unsupported', { type });
  }
}

/**
 * The conversation-list preview of `lastMessage`: derived from type and
 * payload (so it follows the UI language), messageForShow otherwise;
 * revoked → "You recalled a message" / "X recalled a message".
 */
export function lastMessagePreview(last: LastMessage | null, opts: { mine: boolean; senderName: string; t: T }): string {
  if (!last) return '';
  const { t } = opts;
  if (last.isRevoked) return opts.mine ? t('revoked.self') : t('revoked.other', { name: opts.senderName });
  const body = bodyPreview(last.type, last.payload, t, last.messageForShow);
  return opts.mine ? t('list.you', { text: body }) : body;
}

/** TIM's default revoke window. */
export const REVOKE_WINDOW_SECONDS = 120;
/** At most this many messages per deleteMessage (and per selection). */
export const MAX_SELECTION = 30;
/** Own revoked text can be re-edited for this long after the recall. */
export const REEDIT_WINDOW_SECONDS = 300;

const MODIFIABLE = new Set<string>([TYPES.MSG_TEXT]);

/** Revoke: own, sent, not yet revoked, within the window. */
export function canRevoke(m: Message, nowSeconds: number): boolean {
  return m.flow === 'out' && m.status === 'success' && !m.isRevoked && nowSeconds - m.time <= REVOKE_WINDOW_SECONDS;
}

/** Edit: own, sent, not revoked, text. */
export function canEdit(m: Message): boolean {
  return m.flow === 'out' && m.status === 'success' && !m.isRevoked && MODIFIABLE.has(m.type);
}

/** Copy: text bodies. */
export function canCopy(m: Message): boolean {
  return !m.isRevoked && m.type === TYPES.MSG_TEXT;
}

/** Translate: someone else's text (TIM's translateText, shown under it). */
export function canTranslate(m: Message): boolean {
  return m.flow === 'in' && !m.isRevoked && m.type === TYPES.MSG_TEXT && String(m.payload.text ?? '').trim() !== '';
}

/** React: a sent, unrevoked message that takes extensions. */
export function canReact(m: Message): boolean {
  return m.isSupportExtension === true && m.status === 'success' && !m.isRevoked;
}

/** Forward (and merge-forward): sent, not revoked, not a group tip/notice. */
export function canForward(m: Message): boolean {
  return (
    m.status === 'success' && !m.isRevoked && m.type !== TYPES.MSG_GRP_TIP && m.type !== TYPES.MSG_GRP_SYS_NOTICE
  );
}

/** Reply (quote): a sent, unrevoked message of a chat (not a group tip or notice, not the system conversation). */
export function canReply(m: Message): boolean {
  return (
    m.status === 'success' &&
    !m.isRevoked &&
    m.type !== TYPES.MSG_GRP_TIP &&
    m.type !== TYPES.MSG_GRP_SYS_NOTICE &&
    m.conversationType !== TYPES.CONV_SYSTEM
  );
}

/** Delete for me: anything not still sending. */
export function canDelete(m: Message): boolean {
  return m.status !== 'unSend';
}

/** The actions a message's toolbar / context menu offers. */
export function messageActions(m: Message, nowSeconds: number): MessageAction[] {
  const out: MessageAction[] = [];
  if (m.status === 'fail') out.push('resend');
  if (canReply(m)) out.push('reply');
  if (canCopy(m)) out.push('copy');
  if (canTranslate(m)) out.push('translate');
  if (canReact(m)) out.push('react');
  if (canForward(m)) out.push('forward');
  if (canEdit(m)) out.push('edit');
  if (canRevoke(m, nowSeconds)) out.push('revoke');
  if (canDelete(m)) out.push('delete');
  out.push('select');
  return out;
}
export type MessageAction = 'resend' | 'reply' | 'copy' | 'translate' | 'react' | 'forward' | 'edit' | 'revoke' | 'delete' | 'select';

/** "Chat history of A and B" (C2C) / "Chat history of <group>" titles. */
export function mergerTitle(names: string[], t: T): string {
  const uniq = [...new Set(names.filter(Boolean))];
  if (uniq.length <= 1) return t('merger.titleOne', { name: uniq[0] ?? '' });
  return t('merger.titleTwo', { a: uniq[0], b: uniq[1] });
}

/** Up to four "nick: preview" lines for a merger message. */
export function mergerAbstract(list: Message[], nameOf: (m: Message) => string, t: T): string[] {
  return list.slice(0, 4).map((m) => `${nameOf(m)}: ${bodyPreview(m.type, m.payload, t)}`);
}

/** Seconds → "0:07", "1:02:03". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds || 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Largest side of an image thumbnail in a bubble, in CSS px. */
export const THUMB_MAX = 320;

/** Image size to show in a bubble: fits in maxW×maxH, keeps the aspect ratio. */
export function fitSize(w: number, h: number, maxW = 240, maxH = 240, minSide = 48): { width: number; height: number } {
  if (!w || !h) return { width: 160, height: 120 };
  const scale = Math.min(1, maxW / w, maxH / h);
  return { width: Math.max(minSide, Math.round(w * scale)), height: Math.max(minSide, Math.round(h * scale)) };
}

/** The image info of a rendition (0 original, 1 big, 2 small), falling back to any. */
export function imageInfo(m: Pick<Message, 'payload'>, type: 0 | 1 | 2): { width: number; height: number; size: number; url: string } | null {
  const arr = (m.payload?.imageInfoArray as { type: number; width: number; height: number; size: number; url: string }[] | undefined) ?? [];
  return arr.find((i) => i.type === type) ?? arr[0] ?? null;
}

/** @mentions in a text split into parts for styling. */
export function mentionParts(text: string, atUserList: readonly string[]): { text: string; mention: boolean }[] {
  if (!text.includes('@')) return [{ text, mention: false }];
  const ids = atUserList.filter((id) => id && id !== TYPES.MSG_AT_ALL);
  const names = ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const alt = [...names, 'all', 'All', '所有人'].join('|');
  const re = new RegExp(`@(?:${alt})(?=\\s|$|[,.!?，。！？])`, 'g');
  if (atUserList.length === 0) return [{ text, mention: false }];
  return splitMatches(text, re);
}

/** `text` split at the matches of the global pattern `re`, the matches marked as mentions. */
export function splitMatches(text: string, re: RegExp): { text: string; mention: boolean }[] {
  const out: { text: string; mention: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index! > last) out.push({ text: text.slice(last, m.index), mention: false });
    out.push({ text: m[0], mention: true });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), mention: false });
  return out;
}
