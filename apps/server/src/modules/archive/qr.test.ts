// QR codes in archived images: found in a real PNG; an image that declares a huge size is not decoded at all.
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import { describe, expect, it, vi } from 'vitest';
import { findQr, MAX_DECODED_PIXELS } from './qr';

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) { c ^= b; for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1)); }
  return ~c >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** A valid PNG header declaring width × height (grey, 8 bit) with a tiny, truncated image body. */
function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 8; ihdr[9] = 0;
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1024))), chunk('IEND', Buffer.alloc(0))]);
}

describe('findQr', () => {
  it('reads the code in a PNG and finds none in an image without one', async () => {
    expect(findQr(await QRCode.toBuffer('https://spam.example.com/join', { type: 'png', width: 240 }))).toBe('https://spam.example.com/join');
    expect(findQr(pngDeclaring(64, 64))).toBeNull();
  });

  it('does not decode an image declaring more pixels than any chat picture has (a small file, gigabytes of pixels)', () => {
    const side = Math.ceil(Math.sqrt(MAX_DECODED_PIXELS)) + 1;
    const bomb = pngDeclaring(side * 4, side * 4);
    expect(bomb.length).toBeLessThan(2048);
    // The decoder qr.ts uses (the same CommonJS module): never asked to inflate it.
    const { PNG } = createRequire(import.meta.url)('pngjs') as { PNG: { sync: { read(b: Buffer): unknown } } };
    const read = vi.spyOn(PNG.sync, 'read');
    try {
      expect(findQr(bomb)).toBeNull();
      expect(read).not.toHaveBeenCalled();
      // The guard is the size, not the format: a normal picture still goes through the decoder.
      findQr(pngDeclaring(64, 64));
      expect(read).toHaveBeenCalledTimes(1);
    } finally {
      read.mockRestore();
    }
  });
});
