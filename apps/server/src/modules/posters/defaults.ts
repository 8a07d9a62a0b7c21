// The built-in designs, used when no template is chosen: a live code's 9:16 poster (the look the live-code poster
// always had: copy on top, the QR in its own clear zone, staff and hint below), and a staff card for each
// canvas (a CR80 badge, an A4 sheet, a 9:16 poster to share). They pass the checker with ordinary copy.
import type { PosterDesign, PosterElementInput } from '@pond/contracts/posters';
import { PosterDesign as PosterDesignSchema } from '@pond/contracts/posters';

export const LIVE_CODE_COLOURS = { background: '#0E4D64', accent: '#F6C445', textColor: '#FFFFFF' } as const;
export const SCAN_HINT = '长按识别二维码 Long-press to scan';

const design = (canvas: PosterDesign['canvas'], color: string, elements: PosterElementInput[]): PosterDesign =>
  PosterDesignSchema.parse({ canvas, background: { color }, elements });

/** A live code's poster: its name, channel and description (or the copy given), its colours. */
export function liveCodePoster(copy: { title: string; subtitle?: string; body?: string; background?: string; accent?: string; textColor?: string }): PosterDesign {
  const text = copy.textColor ?? LIVE_CODE_COLOURS.textColor;
  const accent = copy.accent ?? LIVE_CODE_COLOURS.accent;
  const els: PosterElementInput[] = [
    { type: 'text', id: 'title', x: 88, y: 150, width: 904, text: copy.title || ' ', fontSize: [...copy.title].length <= 10 ? 96 : 76, color: text, weight: 'bold', maxLines: 2 },
    { type: 'shape', id: 'accent', x: 88, y: 420, width: 120, height: 12, color: accent, radius: 6 },
  ];
  if (copy.subtitle?.trim()) els.push({ type: 'text', id: 'subtitle', x: 88, y: 470, width: 904, text: copy.subtitle.trim(), fontSize: 46, color: text, maxLines: 2 });
  if (copy.body?.trim()) els.push({ type: 'text', id: 'body', x: 88, y: 610, width: 904, text: copy.body.trim(), fontSize: 34, color: text, maxLines: 3 });
  els.push(
    { type: 'shape', id: 'qr-frame', x: 230, y: 810, width: 620, height: 620, color: accent, radius: 44 },
    { type: 'qr', id: 'qr', x: 240, y: 820, size: 600, quietZone: 4 },
    { type: 'text', id: 'staff', x: 88, y: 1560, width: 904, text: '{staff_name}', fontSize: 44, color: text, weight: 'bold', align: 'center', maxLines: 1 },
    { type: 'text', id: 'hint', x: 88, y: 1700, width: 904, text: SCAN_HINT, fontSize: 34, color: text, align: 'center', maxLines: 1 },
  );
  return design('poster', copy.background ?? LIVE_CODE_COLOURS.background, els);
}

/** A staff member's card on each canvas: corp, face, name, store, their own code. */
export const STAFF_CARD_DESIGNS: Record<PosterDesign['canvas'], PosterDesign> = {
  badge: design('badge', '#FFFFFF', [
    { type: 'shape', id: 'band', x: 0, y: 0, width: 638, height: 250, color: '#0E4D64' },
    { type: 'text', id: 'corp', x: 40, y: 56, width: 558, text: '{corp}', fontSize: 40, color: '#FFFFFF', weight: 'bold', align: 'center', maxLines: 1 },
    { type: 'avatar', id: 'avatar', x: 239, y: 150, size: 160, round: true },
    { type: 'text', id: 'name', x: 40, y: 336, width: 558, text: '{staff_name}', fontSize: 56, color: '#1F1F1F', weight: 'bold', align: 'center', maxLines: 1 },
    { type: 'text', id: 'store', x: 40, y: 420, width: 558, text: '{store}', fontSize: 32, color: '#595959', align: 'center', maxLines: 1 },
    { type: 'qr', id: 'qr', x: 149, y: 500, size: 340, quietZone: 4 },
    { type: 'text', id: 'hint', x: 40, y: 870, width: 558, text: '扫码加我企业微信 Scan to add me', fontSize: 28, color: '#595959', align: 'center', maxLines: 2 },
  ]),
  a4: design('a4', '#FFFFFF', [
    { type: 'shape', id: 'band', x: 0, y: 0, width: 2480, height: 760, color: '#0E4D64' },
    { type: 'text', id: 'corp', x: 160, y: 220, width: 2160, text: '{corp}', fontSize: 120, color: '#FFFFFF', weight: 'bold', align: 'center', maxLines: 1 },
    { type: 'avatar', id: 'avatar', x: 1040, y: 540, size: 400, round: true },
    { type: 'text', id: 'name', x: 160, y: 1000, width: 2160, text: '{staff_name}', fontSize: 160, color: '#1F1F1F', weight: 'bold', align: 'center', maxLines: 1 },
    { type: 'text', id: 'store', x: 160, y: 1240, width: 2160, text: '{store}', fontSize: 90, color: '#595959', align: 'center', maxLines: 1 },
    { type: 'qr', id: 'qr', x: 640, y: 1440, size: 1200, quietZone: 4 },
    { type: 'text', id: 'hint', x: 160, y: 2800, width: 2160, text: '扫码添加我的企业微信 Scan to add me on WeCom', fontSize: 90, color: '#595959', align: 'center', maxLines: 2 },
  ]),
  poster: design('poster', '#0E4D64', [
    { type: 'avatar', id: 'avatar', x: 440, y: 180, size: 200, round: true },
    { type: 'text', id: 'name', x: 88, y: 420, width: 904, text: '{staff_name}', fontSize: 88, color: '#FFFFFF', weight: 'bold', align: 'center', maxLines: 1 },
    { type: 'text', id: 'store', x: 88, y: 560, width: 904, text: '{corp} · {store}', fontSize: 44, color: '#FFFFFF', align: 'center', maxLines: 1 },
    { type: 'qr', id: 'qr', x: 240, y: 780, size: 600, quietZone: 4 },
    { type: 'text', id: 'hint', x: 88, y: 1520, width: 904, text: '扫码加我企业微信，为你一对一服务', fontSize: 44, color: '#FFFFFF', align: 'center', maxLines: 2 },
    { type: 'text', id: 'hint-en', x: 88, y: 1660, width: 904, text: 'Scan to add me on WeCom', fontSize: 36, color: '#FFFFFF', align: 'center', maxLines: 1 },
  ]),
};
