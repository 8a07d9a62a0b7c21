// Print files for a live code: the QR as SVG (sized in mm) and PNG (300 dpi). Posters (templates drawn with
// satori and resvg) are the posters module's; it draws the QR with renderQrPng.
// Pure functions of their input — no database, no HTTP — so routes only stream the result.
import { crc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';

export type QrEcc = 'M' | 'Q' | 'H';

export interface QrSvgOptions {
  /** Printed width and height in millimetres, quiet zone included. */
  sizeMm?: number;
  /** Quiet zone in modules; scanners need 4. */
  marginModules?: number;
  ecc?: QrEcc;
}

export interface QrPngOptions {
  /** Width and height in pixels, quiet zone included; 1181 px is 10 cm at 300 dpi. */
  sizePx?: number;
  marginModules?: number;
  ecc?: QrEcc;
}

const PRINT_DPI = 300;

function qrMatrix(text: string, ecc: QrEcc = 'M'): { size: number; dark: (row: number, col: number) => boolean } {
  if (!text) throw new Error('QR text is empty: pass the landing URL the code should open');
  const { modules } = QRCode.create(text, { errorCorrectionLevel: ecc });
  return { size: modules.size, dark: (row, col) => modules.get(row, col) === 1 };
}

/** The side of a text's QR in modules, quiet zone excluded. */
export function qrModules(text: string, ecc: QrEcc = 'M'): number {
  return qrMatrix(text, ecc).size;
}

function checkMargin(margin: number): number {
  if (!Number.isInteger(margin) || margin < 0) throw new Error(`marginModules must be a whole number ≥ 0, got ${margin}`);
  return margin;
}

export function renderQrSvg(text: string, opts: QrSvgOptions = {}): string {
  const sizeMm = opts.sizeMm ?? 80;
  if (!(sizeMm > 0)) throw new Error(`sizeMm must be positive, got ${sizeMm}`);
  const margin = checkMargin(opts.marginModules ?? 4);
  const { size, dark } = qrMatrix(text, opts.ecc);
  const total = size + 2 * margin;
  // One path of horizontal runs keeps the file small and leaves no hairline seams between modules.
  let d = '';
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; ) {
      if (!dark(row, col)) { col++; continue; }
      const start = col;
      while (col < size && dark(row, col)) col++;
      d += `M${start + margin} ${row + margin}h${col - start}v1h${start - col}z`;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${sizeMm}mm" height="${sizeMm}mm" viewBox="0 0 ${total} ${total}" shape-rendering="crispEdges">`
    + `<rect width="${total}" height="${total}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** 8-bit greyscale PNG of the matrix scaled to exactly `sizePx`, modules differing by at most 1 px. */
function encodeQrPng(size: number, dark: (row: number, col: number) => boolean, margin: number, sizePx: number): Buffer {
  const total = size + 2 * margin;
  const line = Buffer.alloc(sizePx);
  const raw = Buffer.alloc((sizePx + 1) * sizePx);
  const moduleOf = (px: number) => Math.floor((px * total) / sizePx) - margin;
  let lastRow = Number.NaN;
  for (let y = 0; y < sizePx; y++) {
    const row = moduleOf(y);
    if (row !== lastRow) {
      for (let x = 0; x < sizePx; x++) {
        const col = moduleOf(x);
        line[x] = row >= 0 && row < size && col >= 0 && col < size && dark(row, col) ? 0 : 255;
      }
      lastRow = row;
    }
    raw[y * (sizePx + 1)] = 0; // filter type: none
    line.copy(raw, y * (sizePx + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(sizePx, 0);
  ihdr.writeUInt32BE(sizePx, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, no filter, no interlace
  const phys = Buffer.alloc(9);
  const perMetre = Math.round(PRINT_DPI / 0.0254);
  phys.writeUInt32BE(perMetre, 0);
  phys.writeUInt32BE(perMetre, 4);
  phys[8] = 1; // unit: metre
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('pHYs', phys),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Asynchronous like the poster: a bad size or text is a rejection, not a throw. */
export function renderQrPng(text: string, opts: QrPngOptions = {}): Promise<Buffer> {
  return new Promise((resolve) => {
    const sizePx = opts.sizePx ?? 1181;
    const margin = checkMargin(opts.marginModules ?? 4);
    const { size, dark } = qrMatrix(text, opts.ecc);
    if (!Number.isInteger(sizePx) || sizePx < size + 2 * margin) {
      throw new Error(`sizePx must be a whole number ≥ ${size + 2 * margin} (one pixel per module), got ${sizePx}`);
    }
    resolve(encodeQrPng(size, dark, margin, sizePx));
  });
}
