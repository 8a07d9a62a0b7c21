import { describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { Resvg } from '@resvg/resvg-js';
import { POSTER_DEFAULTS, POSTER_HEIGHT, POSTER_WIDTH, renderPoster, renderQrPng, renderQrSvg } from './render';

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

/** Scans only the middle band where the poster's QR zone sits, to keep the test quick. */
async function posterQr(png: Promise<Buffer>): Promise<{ image: PNG; text: string | undefined; qrWidth: number }> {
  const image = PNG.sync.read(await png);
  const found = scan(image, 500, 1700);
  const width = found ? found.location.topRightCorner.x - found.location.topLeftCorner.x : 0;
  return { image, text: found?.data, qrWidth: width };
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

  it('refuses a size too small to draw every module', async () => {
    await expect(renderQrPng(SHORT, { sizePx: 20 })).rejects.toThrow(/sizePx must be a whole number ≥ 33/);
  });
});

describe('renderPoster', () => {
  it('is a 1080×1920 PNG whose QR scans and spans at least 40% of the width', async () => {
    const { image, text, qrWidth } = await posterQr(renderPoster({
      qrText: url('poster1'), title: '春季新品 到店有礼', subtitle: '扫码添加门店顾问，领取新人券',
      body: '每周三会员日，群内专享折扣与新品试吃。', staffName: '小王', brand: '鱼塘咖啡',
    }));
    expect([image.width, image.height]).toEqual([POSTER_WIDTH, POSTER_HEIGHT]);
    expect(text).toBe(url('poster1'));
    expect(qrWidth).toBeGreaterThanOrEqual(0.4 * POSTER_WIDTH);
  });

  it('keeps even the smallest code (version 1) at 40% of the width', async () => {
    const { text, qrWidth } = await posterQr(renderPoster({ qrText: 'P1', title: '扫码' }));
    expect(text).toBe('P1');
    expect(qrWidth).toBeGreaterThanOrEqual(0.4 * POSTER_WIDTH);
  });

  it('draws a Chinese title in the title area', async () => {
    expect(POSTER_DEFAULTS.textColor).toBe('#FFFFFF');
    const image = PNG.sync.read(await renderPoster({ qrText: url('cjk'), title: '鱼塘活码' }));
    let light = 0;
    for (let y = 110; y < 260; y++) {
      for (let x = 88; x < 600; x++) {
        const i = (y * image.width + x) * 4;
        if (image.data[i] > 200 && image.data[i + 1] > 200 && image.data[i + 2] > 200) light++;
      }
    }
    expect(light).toBeGreaterThan(2000); // four 104 px glyphs, white on the default dark background
  });

  it('keeps the QR clear and scannable however much copy there is, and skips an avatar it cannot load', async () => {
    const { text } = await posterQr(renderPoster({
      qrText: url('crowded'), title: '标题'.repeat(30), subtitle: '副标题'.repeat(30), body: '正文'.repeat(200),
      staffName: '员工'.repeat(40), staffAvatarUrl: 'http://127.0.0.1:9/avatar.png', hint: '提示'.repeat(60),
      background: '#FFF7E6', textColor: '#222222', accent: '#E4572E', brand: 'BRAND',
    }));
    expect(text).toBe(url('crowded'));
  });

  it('shows a data: URL avatar next to the staff name', async () => {
    const face = new PNG({ width: 64, height: 64 });
    for (let i = 0; i < face.data.length; i += 4) face.data.set([220, 40, 90, 255], i); // magenta, absent from the default palette
    const avatar = `data:image/png;base64,${PNG.sync.write(face).toString('base64')}`;
    const { image, text } = await posterQr(renderPoster({ qrText: url('avatar'), title: '找我', staffName: '小李', staffAvatarUrl: avatar }));
    expect(text).toBe(url('avatar'));
    let magenta = 0;
    for (let i = (1500 * image.width) * 4; i < image.data.length; i += 4) {
      if (image.data[i] > 180 && image.data[i + 1] < 80 && image.data[i + 2] > 60 && image.data[i + 2] < 120) magenta++;
    }
    expect(magenta).toBeGreaterThan(5000); // a round avatar of 112 px near the bottom
  });
});
