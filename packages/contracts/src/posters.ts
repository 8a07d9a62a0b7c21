// Poster templates (海报 / 员工名片 / 工牌): a canvas, a background and typed elements — text blocks with
// placeholders, the participant's avatar and nickname, the QR with its quiet zone — rendered per participant on
// the server. The checker's rules and the issue's shape are declared here, with the limits every template keeps.
import { z } from 'zod';
import { DateTime, Int4, ItemsOf, List, RequiredText, RowId, RowIdParam, Text } from './common';

export const POSTER_PURPOSES = ['invite', 'live_code', 'staff_card', 'badge', 'generic'] as const;
export type PosterPurpose = (typeof POSTER_PURPOSES)[number];

/**
 * Canvases in pixels. Print canvases are laid out at 300 dpi: a CR80 badge (54 × 86 mm, portrait) and A4 (210 × 297 mm).
 * The 9:16 poster is for phones; the checker still measures its QR as printed at 300 dpi.
 */
export const POSTER_CANVASES = {
  poster: { width: 1080, height: 1920, widthMm: 91.4, heightMm: 162.6 },
  badge: { width: 638, height: 1016, widthMm: 54, heightMm: 86 },
  a4: { width: 2480, height: 3508, widthMm: 210, heightMm: 297 },
} as const;
export const POSTER_CANVAS_KINDS = ['poster', 'badge', 'a4'] as const;
export type PosterCanvas = (typeof POSTER_CANVAS_KINDS)[number];
export const POSTER_DPI = 300;

/** Limits a template keeps (checked by the schema, or by the service where they depend on the canvas). */
export const POSTER_LIMITS = {
  elements: 30,
  textChars: 200,
  fontSizeMin: 12,
  fontSizeMax: 400,
  /** The smallest QR side in pixels, quiet zone included. */
  qrMinPx: 120,
  avatarMinPx: 24,
  /** Placeholders a text may use; anything else in braces is refused. */
  placeholders: ['nickname', 'staff_name', 'store', 'corp'],
} as const;

const HexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour like #1677ff');
const Coord = Int4(0, 4000);
const Px = (min: number) => Int4(min, 4000);

const Box = { id: RequiredText(40), x: Coord, y: Coord };
const Typography = {
  width: Px(10),
  fontSize: Int4(POSTER_LIMITS.fontSizeMin, POSTER_LIMITS.fontSizeMax),
  color: HexColour,
  weight: z.enum(['normal', 'bold']).default('normal'),
  align: z.enum(['left', 'center', 'right']).default('left'),
  maxLines: Int4(1, 10).default(2),
};

export const PosterTextElement = z.object({ type: z.literal('text'), ...Box, ...Typography, text: RequiredText(POSTER_LIMITS.textChars) });
/** The participant's nickname (the template shows a sample in previews). */
export const PosterNicknameElement = z.object({ type: z.literal('nickname'), ...Box, ...Typography, maxLines: Int4(1, 2).default(1) });
export const PosterAvatarElement = z.object({ type: z.literal('avatar'), ...Box, size: Px(POSTER_LIMITS.avatarMinPx), round: z.boolean().default(true) });
/** The QR: `size` is the side of the white square, quiet zone included; `quietZone` is in modules (scanners want 4). */
export const PosterQrElement = z.object({ type: z.literal('qr'), ...Box, size: Px(POSTER_LIMITS.qrMinPx), quietZone: Int4(0, 10).default(4) });
/** A plain rectangle (a panel behind text, an accent bar). */
export const PosterShapeElement = z.object({ type: z.literal('shape'), ...Box, width: Px(1), height: Px(1), color: HexColour, radius: Int4(0, 2000).default(0) });
export const PosterElement = z.discriminatedUnion('type', [PosterTextElement, PosterNicknameElement, PosterAvatarElement, PosterQrElement, PosterShapeElement]);
export type PosterElement = z.output<typeof PosterElement>;
export type PosterElementInput = z.input<typeof PosterElement>;
export type PosterTextElement = z.output<typeof PosterTextElement>;
export type PosterQrElement = z.output<typeof PosterQrElement>;

/** A colour, or an image from the media library (covering the canvas) over that colour. */
export const PosterBackground = z.object({ color: HexColour, mediaId: RowId.nullable().default(null) });
export type PosterBackground = z.output<typeof PosterBackground>;

export const PosterDesign = z.object({
  canvas: z.enum(POSTER_CANVAS_KINDS).default('poster'),
  background: PosterBackground,
  elements: List(PosterElement, POSTER_LIMITS.elements).min(1, 'at least one element (the QR)'),
});
export type PosterDesign = z.output<typeof PosterDesign>;
export type PosterDesignInput = z.input<typeof PosterDesign>;

export const PosterTemplateBody = z.object({
  name: RequiredText(60),
  purpose: z.enum(POSTER_PURPOSES).default('generic'),
  design: PosterDesign,
});
export type PosterTemplateBody = z.input<typeof PosterTemplateBody>;
/** PATCH: the design is replaced whole (canvas, background and elements go together: positions depend on the canvas). */
export const PosterTemplatePatch = z.object({ name: RequiredText(60).optional(), purpose: z.enum(POSTER_PURPOSES).optional(), design: PosterDesign.optional() });
export type PosterTemplatePatch = z.input<typeof PosterTemplatePatch>;

export const PosterTemplateListQuery = z.object({ purpose: z.enum(POSTER_PURPOSES).optional() });
export const PublishBody = z.object({
  /** Publish although the checker warns (errors always refuse). */
  acknowledgeWarnings: z.boolean().default(false),
});

/** Sample values a preview fills the placeholders with. */
export const PosterPreviewVars = z.object({
  qrText: Text(300).optional(),
  nickname: Text(40).optional(),
  staffName: Text(40).optional(),
  storeName: Text(60).optional(),
});
/** POST /api/poster-templates/check and /preview.png: an unsaved design, checked or drawn. */
export const PosterDraftBody = PosterDesign.extend({ purpose: z.enum(POSTER_PURPOSES).default('generic'), vars: PosterPreviewVars.optional() });
export type PosterDraftBody = z.input<typeof PosterDraftBody>;

// ---- the checker ----

export const POSTER_RULES = [
  'too-much-text', 'text-too-small', 'low-contrast', 'qr-missing', 'qr-too-small', 'qr-covered', 'qr-no-quiet-zone', 'qr-not-decodable',
  'unbalanced-layout', 'cluttered', 'oversized-file', 'exaggerated-claim',
] as const;
export type PosterRule = (typeof POSTER_RULES)[number];

export const PosterIssue = z.object({
  rule: z.enum(POSTER_RULES),
  /** error: publishing is refused; warn: publishing needs acknowledgeWarnings. */
  severity: z.enum(['error', 'warn']),
  /** zh-CN first, then English. */
  message: z.string(),
  /** The elements concerned (ids), for the designer to highlight. */
  elementIds: z.array(z.string()).optional(),
});
export type PosterIssue = z.infer<typeof PosterIssue>;
export const PosterCheck = z.object({
  issues: z.array(PosterIssue),
  /** What the checker measured: the PNG's bytes, the QR's printed side, the worst text contrast. */
  measured: z.object({ bytes: z.number(), qrMm: z.number().nullable(), qrPxPerModule: z.number().nullable(), minContrast: z.number().nullable() }),
});
export type PosterCheck = z.infer<typeof PosterCheck>;

// ---- responses ----

export const PosterTemplate = z.object({
  id: z.number(),
  name: z.string(),
  purpose: z.enum(POSTER_PURPOSES),
  design: PosterDesign,
  /** Bumped by every edit; personal posters are cached by it. */
  version: z.number(),
  status: z.enum(['draft', 'published']),
  publishedAt: DateTime.nullable(),
  /** The checker's findings when it was last published. */
  publishedIssues: z.array(PosterIssue),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type PosterTemplate = z.input<typeof PosterTemplate>;
export const PosterTemplateList = ItemsOf(PosterTemplate);

// ---- staff cards ----

export const STAFF_CARD_SIZES = ['badge', 'a4', 'poster'] as const;
export const StaffCardParams = z.object({ userid: z.string().min(1).max(64) });
export const StaffCardQuery = z.object({
  /** The printed size (badge: CR80 at 300 dpi; a4: 300 dpi; poster: 9:16 for sharing); default badge. */
  size: z.enum(STAFF_CARD_SIZES).default('badge'),
  /** A template of that canvas; default the corp's newest published staff-card template of it, else the built-in one. */
  templateId: RowIdParam.optional(),
});
export const StoreCardsParams = z.object({ id: RowIdParam });
export const StaffCardInfo = z.object({
  userid: z.string(),
  name: z.string(),
  /** The staff member's own live code (员工活码): bound to them only, created on first use. */
  liveCodeId: z.number(),
  url: z.string(),
});
export type StaffCardInfo = z.infer<typeof StaffCardInfo>;
