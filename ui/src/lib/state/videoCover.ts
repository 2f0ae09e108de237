// A video message's cover frame, taken in the webview: the SDK has no
// video decoder, so the UI loads the video in a hidden <video>, seeks a
// little into it, draws the frame on a canvas (long side ≤ 720 px) and
// encodes a JPEG. The caller stages the JPEG and passes its path as the
// `snapshot` of tim.createVideoMessage. Any failure (codec not supported,
// no frame within 5 s, a tainted canvas, no DOM at all) gives `null`: the
// video is then sent without a cover, never held up or lost.

/** A frame of a video and what the element measured. */
export interface VideoFrame {
  /** The JPEG. */
  blob: Blob;
  /** The JPEG's size in pixels. */
  width: number;
  height: number;
  /** The video's own size and duration (seconds; 0 when unknown). */
  videoWidth: number;
  videoHeight: number;
  duration: number;
}

export interface CaptureOptions {
  /** Give up after this long (default 5 s). */
  timeoutMs?: number;
  /** Longest side of the cover (default 720 px, TIM's big thumbnail). */
  maxSide?: number;
  /** Load with CORS (a URL of another origin, e.g. the desktop's asset:). */
  crossOrigin?: boolean;
}

export const COVER_TIMEOUT_MS = 5_000;
export const COVER_MAX_SIDE = 720;
const JPEG_QUALITY = 0.85;

/** Where in the video the frame is taken: 0.1 s or 10 % of it, whichever is earlier. */
export function coverTime(duration: number): number {
  if (!Number.isFinite(duration) || duration <= 0) return 0.1;
  return Math.min(0.1, duration * 0.1);
}

/** `(w, h)` fitted into a `max` long side, keeping the ratio (never upscaled, never 0). */
export function coverSize(w: number, h: number, max = COVER_MAX_SIDE): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

/** Waits for one of `ok` on `el` (rejects on `error`, or after `ms`). */
function once(el: HTMLMediaElement, ok: string[], ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer);
      for (const name of ok) el.removeEventListener(name, onOk);
      el.removeEventListener('error', onError);
      fn();
    };
    const onOk = () => done(resolve);
    const onError = () => done(() => reject(new Error(el.error?.message || 'the video cannot be decoded')));
    const timer = setTimeout(() => done(() => reject(new Error(`no ${ok.join('/')} in time`))), ms);
    for (const name of ok) el.addEventListener(name, onOk);
    el.addEventListener('error', onError);
  });
}

/**
 * The cover frame of the video at `url` (an object URL, or a URL the host
 * gives for a local file), or null when it cannot be taken in time.
 */
export async function captureVideoFrame(url: string, options: CaptureOptions = {}): Promise<VideoFrame | null> {
  if (typeof document === 'undefined' || typeof HTMLVideoElement === 'undefined') return null;
  const timeoutMs = options.timeoutMs ?? COVER_TIMEOUT_MS;
  const video = document.createElement('video');
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const deadline = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    return await Promise.race([grab(video, url, options, timeoutMs), deadline]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    video.removeAttribute('src');
    try {
      video.load();
    } catch {
      /* already released */
    }
  }
}

async function grab(video: HTMLVideoElement, url: string, options: CaptureOptions, ms: number): Promise<VideoFrame | null> {
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  if (options.crossOrigin) video.crossOrigin = 'anonymous';
  const metadata = once(video, ['loadedmetadata'], ms);
  video.src = url;
  await metadata;
  let duration = video.duration;
  if (!Number.isFinite(duration)) {
    // A recorded WebM has no duration in its header: seeking far makes the
    // element find the end (duration becomes finite), then seek back.
    const found = once(video, ['durationchange', 'seeked'], Math.min(ms, 2_000)).catch(() => undefined);
    video.currentTime = 1e7;
    await found;
    duration = Number.isFinite(video.duration) ? video.duration : 0;
  }
  const seeked = once(video, ['seeked'], ms);
  video.currentTime = coverTime(duration);
  await seeked;
  if (video.readyState < 2) await once(video, ['loadeddata', 'canplay'], ms);
  const { videoWidth, videoHeight } = video;
  if (!videoWidth || !videoHeight) return null;
  const size = coverSize(videoWidth, videoHeight, options.maxSide ?? COVER_MAX_SIDE);
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const g = canvas.getContext('2d');
  if (!g) return null;
  g.drawImage(video, 0, 0, size.width, size.height);
  // A tainted canvas throws here (SecurityError): no cover.
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
  if (!blob || blob.size === 0) return null;
  return { blob, ...size, videoWidth, videoHeight, duration };
}

/** A Blob as standard base64 (for app.writeStagedFile). */
export async function blobToBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The capturer ChatState uses (tests replace it). */
export const videoCover = { capture: captureVideoFrame };
