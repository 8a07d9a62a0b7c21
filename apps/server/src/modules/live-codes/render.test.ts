import { describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { Resvg } from '@resvg/resvg-js';
import { qrModules, renderQrPng, renderQrSvg } from './render';

const url = (key: string) => `https://pond.example.com/l/${key}`;
const SHORT = 'https://pond.cn/l/ab12'; // version 2 at ECC M: 25 modules

function scan(image: PNG, top = 0, bottom = image.height) {
  const view = image.data.subarray(top * image.width * 4, bottom * image.width * 4);
  return jsQR(new Uint8ClampedArray(view.buffer, view.byteOffset, view.length), image.width, bottom - top, { inversionAttempts: 'dontInvert' });
}

function decode(png: Buffer): { width: number; height: number; text: string | undefined; image: PNG } {
  const image = PNG.sync.read(png);
  return { width: image.width, height: image.height, text: scan(image)?.data, image };
}

describe('renderQrSvg', () => {
  it('is sized in millimetres with a viewBox of modules plus the quiet zone', () => {
    const svg = renderQrSvg(SHORT);
    expect(svg).toMatch(/^<svg [^>]*width="80mm" height="80mm"/);
    const [, total] = /viewBox="0 0 (\d+) \1"/.exec(svg) ?? [];
    expect(Number(total)).toBe(25 + 8);
    expect(svg).toContain('<rect width="33" height="33" fill="#fff"/>');
    expect(svg).toMatch(/<path d="M4 4h7v1h-7z[^"]*" fill="#000"\/>/); // top-left finder pattern
    expect(renderQrSvg(SHORT, { sizeMm: 50, marginModules: 2, ecc: 'H' })).toMatch(/width="50mm"[^>]*viewBox="0 0 (\d+) \1"/);
  });

  it('scans once rasterised', () => {
    const png = Buffer.from(new Resvg(renderQrSvg(url('svg2')), { fitTo: { mode: 'width', value: 400 } }).render().asPng());
    expect(decode(png).text).toBe(url('svg2'));
  });

  it('refuses empty text and bad sizes with a message saying what to pass', () => {
    expect(() => renderQrSvg('')).toThrow(/landing URL/);
    expect(() => renderQrSvg('x', { sizeMm: 0 })).toThrow(/sizeMm/);
    expect(() => renderQrSvg('x', { marginModules: -1 })).toThrow(/marginModules/);
  });
});

describe('renderQrPng', () => {
  it('is 10 cm at 300 dpi by default and decodes back to the text', async () => {
    const png = await renderQrPng(url('png1'));
    const { width, height, text } = decode(png);
    expect([width, height]).toEqual([1181, 1181]);
    expect(text).toBe(url('png1'));
    const phys = png.indexOf('pHYs');
    expect(phys).toBeGreaterThan(0);
    expect(png.readUInt32BE(phys + 4)).toBe(11811); // pixels per metre = 300 dpi
    expect(png[phys + 12]).toBe(1);
  });

  it('decodes at other sizes and error-correction levels', async () => {
    for (const [sizePx, ecc] of [[300, 'H'], [512, 'Q'], [97, 'M']] as const) {
      const { width, text } = decode(await renderQrPng(url(`png-${ecc}`), { sizePx, ecc }));
      expect(width).toBe(sizePx);
      expect(text).toBe(url(`png-${ecc}`));
    }
  });

  it('keeps a white quiet zone of the requested width', async () => {
    const { image } = decode(await renderQrPng(SHORT, { sizePx: 330, marginModules: 4 })); // 33 modules × 10 px
    const grey = (x: number, y: number) => image.data[(y * image.width + x) * 4];
    for (let i = 0; i < 40; i++) expect([grey(i, i), grey(329 - i, 165), grey(165, 329 - i)]).toEqual([255, 255, 255]);
    expect(grey(40, 40)).toBe(0); // finder pattern starts right after
  });

  it('counts the modules of a text', () => {
    expect(qrModules(SHORT)).toBe(25);
  });

  it('refuses a size too small to draw every module', async () => {
    await expect(renderQrPng(SHORT, { sizePx: 20 })).rejects.toThrow(/sizePx must be a whole number ≥ 33/);
  });
});
