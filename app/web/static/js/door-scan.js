// Badge scanning with the camera: the browser's BarcodeDetector where it reads QR codes, else the
// vendored jsQR (static/vendor/jsqr, loaded only then). Each decoded text goes to the page as a
// `door:decoded` event on document ({detail: text}); the page checks the person in from there.
// The camera needs a secure origin (https, or localhost).

const JSQR_SRC = '/static/vendor/jsqr/jsQR.js';
const EVERY_MS = 150; // a frame about 6-7 times a second: quick enough, and a phone stays cool
const MAX_SIDE = 720; // frames are scaled down to this before jsQR reads them

let stream = null;
let timer = null;

export const DECODED = 'door:decoded';

/** Hand a decoded QR text to the page (the camera does this; so can a test or a hand scanner). */
export function decoded(text) {
  document.dispatchEvent(new CustomEvent(DECODED, { detail: String(text) }));
}

function loadScript(src) {
  if (window.jsQR) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

async function nativeDetector() {
  if (!('BarcodeDetector' in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (!formats.includes('qr_code')) return null;
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video))[0]?.rawValue || null;
  } catch {
    return null;
  }
}

async function jsqrDetector() {
  await loadScript(JSQR_SRC);
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return async (source) => { // a <video>, or any image the canvas can draw
    const w = source.videoWidth || source.naturalWidth || source.width;
    const h = source.videoHeight || source.naturalHeight || source.height;
    if (!w || !h) return null;
    const scale = Math.min(1, MAX_SIDE / Math.max(w, h));
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
    return found ? found.data : null;
  };
}

/** A function reading the QR text in a frame (null: none): the browser's own reader, else jsQR. */
export async function qrReader(prefer = 'native') {
  return (prefer === 'native' && (await nativeDetector())) || jsqrDetector();
}

/** Start the camera in `video` and read QR codes until stopScanner(); throws when there is no camera. */
export async function startScanner(video) {
  stopScanner();
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('no-camera');
  const detect = await qrReader();
  stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  const tick = async () => {
    if (!stream) return;
    try {
      const text = await detect(video);
      if (text) decoded(text);
    } catch { /* a frame that could not be read: try the next one */ }
    if (stream) timer = setTimeout(tick, EVERY_MS);
  };
  tick();
}

export function stopScanner(video) {
  clearTimeout(timer);
  timer = null;
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
  if (video) {
    video.srcObject = null;
    video.hidden = true;
  }
}
