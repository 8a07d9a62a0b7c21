// Finding a QR code in an archived image (moderation's QR rule): the PNG or JPEG decoded to pixels (pngjs, jpeg-js),
// then jsQR over them. Large pictures are looked at scaled down (every n-th pixel) so one image costs milliseconds.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
type Pixels = { width: number; height: number; data: Uint8Array | Buffer };
type JsQr = (data: Uint8ClampedArray, width: number, height: number, opts?: { inversionAttempts?: string }) => { data: string } | null;

/** Pixels beyond which an image is sampled down before looking for a code. */
const MAX_SIDE = 1200;
/**
 * Images larger than this (in pixels) are not decoded: a small file can declare a huge picture (a PNG of a few MB
 * inflating to gigabytes of RGBA). No real chat picture is that big; such an image is treated as having no code.
 */
export const MAX_DECODED_PIXELS = 40_000_000;

function decodeImage(bytes: Buffer): Pixels | null {
  try {
    if (bytes.length > 24 && bytes.readUInt32BE(0) === 0x89504e47) {
      // IHDR comes first: width and height at bytes 16 and 20.
      if (bytes.readUInt32BE(16) * bytes.readUInt32BE(20) > MAX_DECODED_PIXELS) return null;
      const { PNG } = require('pngjs') as { PNG: { sync: { read(b: Buffer): Pixels } } };
      return PNG.sync.read(bytes);
    }
    if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8) {
      const jpeg = require('jpeg-js') as { decode(b: Buffer, o: { useTArray: boolean; maxMemoryUsageInMB: number; maxResolutionInMP: number; formatAsRGBA: boolean }): Pixels };
      return jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 256, maxResolutionInMP: MAX_DECODED_PIXELS / 1e6, formatAsRGBA: true });
    }
  } catch {
    return null;
  }
  return null;
}

/** The text of a QR code in the image, or null (not a PNG/JPEG, damaged, or no code in it). */
export function findQr(bytes: Buffer): string | null {
  const img = decodeImage(bytes);
  if (!img || !img.width || !img.height) return null;
  let { width, height } = img;
  let data = new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  const step = Math.ceil(Math.max(width, height) / MAX_SIDE);
  if (step > 1) {
    const w = Math.floor(width / step);
    const h = Math.floor(height / step);
    const out = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.set(data.subarray(((y * step) * width + x * step) * 4, ((y * step) * width + x * step) * 4 + 4), (y * w + x) * 4);
    data = out;
    width = w;
    height = h;
  }
  const mod = require('jsqr') as JsQr | { default: JsQr };
  const jsQR = typeof mod === 'function' ? mod : mod.default;
  const found = jsQR(data, width, height, { inversionAttempts: 'attemptBoth' });
  return found && found.data ? found.data : null;
}
