// A real video for the E2E tests, made in the browser under test: a 1 s,
// 320×240 WebM (VP8 where supported) of a moving rectangle, recorded from
// a canvas with MediaRecorder. The test machines have no video encoder
// otherwise. Used by the browser E2E (dropped into the page) and by
// tests/e2e/fixtures/make-clip.mjs (which writes the desktop E2E's clip).

/**
 * Runs in the page (`page.evaluate(recordCanvasWebm)`): records the clip
 * into `window.__recordedClip` (a Blob) and returns its size and type.
 */
export async function recordCanvasWebm() {
  const c = document.createElement('canvas');
  c.width = 320;
  c.height = 240;
  const g = c.getContext('2d');
  let n = 0;
  const draw = () => {
    g.fillStyle = '#2a6';
    g.fillRect(0, 0, 320, 240);
    g.fillStyle = '#c33';
    g.fillRect(40 + (n++ % 100), 60, 160, 120);
  };
  draw();
  const mimeType = ['video/webm;codecs=vp8', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
  const recorder = new MediaRecorder(c.captureStream(25), { mimeType });
  const chunks = [];
  recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
  const stopped = new Promise((r) => (recorder.onstop = r));
  const timer = setInterval(draw, 40);
  recorder.start(100);
  await new Promise((r) => setTimeout(r, 1000));
  recorder.stop();
  await stopped;
  clearInterval(timer);
  const blob = new Blob(chunks, { type: 'video/webm' });
  window.__recordedClip = blob;
  return { size: blob.size, mimeType };
}
