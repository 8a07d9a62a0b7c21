// Poster templates and what is drawn from them: per-participant posters (cached by content hash), the checker's
// report and publishing, and staff cards — each staff member's own live code (员工活码) on a badge, an A4 sheet or
// a 9:16 poster, one at a time or a whole store's in a zip.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { zipSync } from 'fflate';
import {
  PosterDesign as PosterDesignSchema, POSTER_CANVASES, POSTER_LIMITS, type PosterCheck, type PosterDesign, type PosterDesignInput, type PosterPurpose,
} from '@pond/contracts/posters';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import type { CodeConfig, LiveCodeService } from '../live-codes';
import type { MediaService } from '../media';
import type { CorpService } from '../org';
import { liveCodePoster, STAFF_CARD_DESIGNS } from './defaults';
import * as repo from './repo';
import type { DrawInput } from './render';

// Drawing pulls in satori, resvg and a CJK font: loaded on first use, not at start.
const render = () => import('./render');
const checker = () => import('./check');

/** What a personal poster shows of its participant. */
export interface PersonalVars { qrText: string; nickname?: string; avatarUrl?: string; staffName?: string; storeName?: string }
export interface RenderedPoster { png: Buffer; etag: string }

/** Sample values for previews and checks of a design nobody's poster uses yet. */
const SAMPLE = { nickname: '微信昵称', staffName: '小鱼', storeName: '人民广场店' };

/**
 * Drawn posters by content hash (template id and version, or the design itself, plus the values drawn), per process
 * and in memory: at most 256 posters and 64 MB, least recently used dropped first. An edit bumps the template's
 * version, so an old entry is never served for a new design; a restart only costs re-drawing. Concurrent requests
 * for the same poster share one drawing.
 */
export class PosterCache {
  private entries = new Map<string, RenderedPoster>();
  private bytes = 0;
  private inFlight = new Map<string, Promise<RenderedPoster>>();
  hits = 0;
  misses = 0;
  constructor(private maxEntries = 256, private maxBytes = 64 * 1024 * 1024) {}

  get size(): number { return this.entries.size; }
  get byteSize(): number { return this.bytes; }

  async get(key: string, draw: () => Promise<Buffer>): Promise<RenderedPoster> {
    const hit = this.entries.get(key);
    if (hit) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const pending = this.inFlight.get(key);
    if (pending) { this.hits++; return pending; }
    this.misses++;
    const p = draw().then((png) => {
      const value = { png, etag: `"${key.slice(0, 32)}"` };
      this.entries.set(key, value);
      this.bytes += png.length;
      for (const [k, v] of this.entries) {
        if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
        this.entries.delete(k);
        this.bytes -= v.png.length;
      }
      return value;
    }).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }
}

const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** Placeholders a text may name (`{nickname}` …); anything else in braces is refused. */
const PLACEHOLDER = /\{([^{}]*)\}/g;

export class PosterService {
  readonly cache = new PosterCache();
  /** Staff-card codes being made in this process, by corp and userid: concurrent requests wait for one. */
  private making = new Map<string, Promise<CodeConfig>>();

  constructor(private deps: { pool: pg.Pool; codes: LiveCodeService; media: MediaService; corps: CorpService; publicUrl: () => string; log: Logger }) {}

  private get pool() { return this.deps.pool; }

  // ---- templates ----

  list(corpId: string, purpose?: PosterPurpose): Promise<repo.TemplateRow[]> {
    return repo.listTemplates(this.pool, corpId, purpose);
  }

  async get(corpId: string, id: number): Promise<repo.TemplateRow> {
    const t = await repo.getTemplate(this.pool, corpId, id);
    if (!t) throw AppError.notFound(`poster template ${id}`);
    return t;
  }

  async create(corpId: string, body: { name: string; purpose: PosterPurpose; design: PosterDesign }): Promise<repo.TemplateRow> {
    await this.validate(corpId, body.design);
    return repo.insertTemplate(this.pool, corpId, body);
  }

  async update(corpId: string, id: number, patch: { name?: string; purpose?: PosterPurpose; design?: PosterDesign }): Promise<repo.TemplateRow> {
    const cur = await this.get(corpId, id);
    if (cur.archived_at) throw new AppError('conflict', `poster template ${id} is archived`);
    if (patch.design) await this.validate(corpId, patch.design);
    const next = await repo.updateTemplate(this.pool, corpId, id, { name: patch.name ?? cur.name, purpose: patch.purpose ?? cur.purpose, design: patch.design ?? cur.design });
    if (!next) throw new AppError('conflict', `poster template ${id} is archived`);
    return next;
  }

  async archive(corpId: string, id: number): Promise<void> {
    await this.get(corpId, id);
    await repo.archiveTemplate(this.pool, corpId, id);
  }

  /**
   * What the schema cannot see: every element inside the canvas, one QR, ids unique, placeholders known, and the
   * background an image of this corp's media library. A 400 names the field (`design.elements.2.x`).
   */
  async validate(corpId: string, design: PosterDesign): Promise<void> {
    const { width, height } = POSTER_CANVASES[design.canvas];
    const field = (i: number, k: string) => `design.elements.${i}.${k}`;
    const qrs = design.elements.filter((e) => e.type === 'qr').length;
    if (qrs !== 1) throw AppError.validation('design.elements', `needs exactly one qr element (has ${qrs})`);
    const seen = new Set<string>();
    for (const [i, e] of design.elements.entries()) {
      if (seen.has(e.id)) throw AppError.validation(field(i, 'id'), `"${e.id}" is used by another element`);
      seen.add(e.id);
      const w = e.type === 'avatar' || e.type === 'qr' ? e.size : e.width;
      const h = e.type === 'avatar' || e.type === 'qr' ? e.size : e.type === 'shape' ? e.height : Math.ceil(e.fontSize * 1.3);
      const wName = e.type === 'avatar' || e.type === 'qr' ? 'size' : 'width';
      if (e.x >= width) throw AppError.validation(field(i, 'x'), `is outside the canvas (must be < ${width})`);
      if (e.y >= height) throw AppError.validation(field(i, 'y'), `is outside the canvas (must be < ${height})`);
      if (e.x + w > width) throw AppError.validation(field(i, wName), `reaches past the canvas's right edge (x + ${wName} = ${e.x + w} > ${width})`);
      if (e.y + h > height) {
        throw AppError.validation(field(i, e.type === 'text' || e.type === 'nickname' ? 'y' : wName), `reaches past the canvas's bottom edge (${e.y + h} > ${height})`);
      }
      if (e.type === 'text') {
        for (const [, name] of e.text.matchAll(PLACEHOLDER)) {
          if (!(POSTER_LIMITS.placeholders as readonly string[]).includes(name)) {
            throw AppError.validation(field(i, 'text'), `unknown placeholder {${name}}: use ${POSTER_LIMITS.placeholders.map((p) => `{${p}}`).join(' ')}`);
          }
        }
      }
    }
    if (design.background.mediaId != null && !await this.deps.media.imageBytes(corpId, design.background.mediaId)) {
      throw AppError.validation('design.background.mediaId', `no image ${design.background.mediaId} in this corp's media library`);
    }
  }

  private async drawInput(corpId: string, design: PosterDesign, vars: PersonalVars): Promise<DrawInput> {
    const { loadAvatar, dataUrl } = await render();
    const [corp, avatar, bg] = await Promise.all([
      this.deps.corps.get(corpId),
      loadAvatar(vars.avatarUrl),
      design.background.mediaId != null ? this.deps.media.imageBytes(corpId, design.background.mediaId) : Promise.resolve(null),
    ]);
    return {
      design, qrText: vars.qrText, avatar, background: bg ? dataUrl(bg) : undefined,
      texts: { nickname: vars.nickname ?? '', staff_name: vars.staffName ?? '', store: vars.storeName ?? '', corp: corp?.name ?? '' },
    };
  }

  /** Draws a design for these values, cached under `key` (with the values). */
  private async draw(corpId: string, key: unknown, design: PosterDesign, vars: PersonalVars): Promise<RenderedPoster> {
    return this.cache.get(hash([corpId, key, vars]), async () => (await render()).drawDesign(await this.drawInput(corpId, design, vars)).then((d) => d.png));
  }

  /**
   * One participant's poster from a template: the template's current version with their QR, nickname, avatar and
   * names. Cached by content hash (see PosterCache), so repeated requests draw once. Invite tasks call this.
   */
  async renderPersonal(corpId: string, templateId: number, vars: PersonalVars): Promise<RenderedPoster> {
    if (!vars.qrText) throw AppError.validation('qrText', 'is required: the URL the poster\'s QR opens');
    const t = await this.get(corpId, templateId);
    if (t.archived_at) throw new AppError('conflict', `poster template ${templateId} is archived`);
    return this.draw(corpId, ['template', t.id, t.version], t.design, vars);
  }

  /** A design that is not (yet) a saved template, drawn: the designer's preview, a live code's built-in poster. */
  async renderDesign(corpId: string, design: PosterDesign, vars: PersonalVars): Promise<RenderedPoster> {
    return this.draw(corpId, ['design', design], design, vars);
  }

  private sampleVars(vars: Partial<PersonalVars> = {}): PersonalVars {
    return { qrText: vars.qrText || `${this.deps.publicUrl()}/l/PreviewQr1`, nickname: vars.nickname ?? SAMPLE.nickname, staffName: vars.staffName ?? SAMPLE.staffName, storeName: vars.storeName ?? SAMPLE.storeName, avatarUrl: vars.avatarUrl };
  }

  /** An unsaved design checked and drawn with sample values (the designer's preview). */
  async previewDraft(corpId: string, design: PosterDesign, vars?: Partial<PersonalVars>): Promise<RenderedPoster> {
    await this.validate(corpId, design);
    return this.renderDesign(corpId, design, this.sampleVars(vars));
  }

  /** The checker's report on a design drawn with these values (default: samples). */
  async check(corpId: string, design: PosterDesign, vars?: Partial<PersonalVars>): Promise<PosterCheck> {
    await this.validate(corpId, design);
    return (await checker()).checkDesign(await this.drawInput(corpId, design, this.sampleVars(vars)));
  }

  /**
   * Publishes the template's current version after checking it: errors refuse (409 with the list), warnings refuse
   * unless acknowledged. An edit racing the check wins (the publish of the older version is a 409 too).
   */
  async publish(corpId: string, id: number, acknowledgeWarnings: boolean): Promise<repo.TemplateRow> {
    const t = await this.get(corpId, id);
    if (t.archived_at) throw new AppError('conflict', `poster template ${id} is archived`);
    const report = await this.check(corpId, t.design);
    const errors = report.issues.filter((i) => i.severity === 'error');
    const warnings = report.issues.filter((i) => i.severity === 'warn');
    if (errors.length) {
      throw new AppError('conflict', `海报有${errors.length}个必须修改的问题 / The poster has ${errors.length} problem(s) to fix before publishing`, { details: { issues: report.issues } });
    }
    if (warnings.length && !acknowledgeWarnings) {
      throw new AppError('conflict', `海报有${warnings.length}个提醒，确认后才能发布 / The poster has ${warnings.length} warning(s): acknowledge them to publish`, { details: { issues: report.issues } });
    }
    const done = await repo.publishTemplate(this.pool, corpId, id, t.version, report.issues);
    if (!done) throw new AppError('conflict', `poster template ${id} changed while it was checked: check it again`);
    return done;
  }

  // ---- live codes' poster ----

  /** A live code's printable poster: from a template when one is named, else the built-in design with the code's copy. */
  async liveCodePoster(corpId: string, code: CodeConfig, q: LiveCodePosterQuery): Promise<{ design: PosterDesign; vars: PersonalVars; templateId?: number }> {
    const vars: PersonalVars = { qrText: `${this.deps.publicUrl()}/l/${code.key}` };
    if (q.templateId) return { design: (await this.get(corpId, q.templateId)).design, vars, templateId: q.templateId };
    return {
      design: liveCodePoster({
        title: q.title ?? code.name, subtitle: q.subtitle ?? (code.channel || undefined), body: q.body ?? code.description ?? undefined,
        background: q.background, accent: q.accent, textColor: q.textColor,
      }), vars,
    };
  }

  async renderLiveCodePoster(corpId: string, code: CodeConfig, q: LiveCodePosterQuery): Promise<RenderedPoster> {
    const p = await this.liveCodePoster(corpId, code, q);
    return p.templateId ? this.renderPersonal(corpId, p.templateId, p.vars) : this.renderDesign(corpId, p.design, p.vars);
  }

  async checkLiveCodePoster(corpId: string, code: CodeConfig, q: LiveCodePosterQuery): Promise<PosterCheck> {
    const p = await this.liveCodePoster(corpId, code, q);
    return (await checker()).checkDesign(await this.drawInput(corpId, p.design, p.vars));
  }

  // ---- staff cards ----

  /**
   * The staff member's card code: a live code whose pool is them only, found or made once. Concurrent requests in
   * this process share one attempt; across processes a transaction-scoped advisory lock on (corp, userid) makes the
   * second wait and then find the first's code. An archived card code is replaced by a new one.
   */
  async staffCode(corpId: string, userid: string): Promise<CodeConfig> {
    const existing = await repo.staffCardCode(this.pool, corpId, userid);
    if (existing) return this.deps.codes.get(corpId, existing);
    const key = `${corpId}\u0000${userid}`;
    let p = this.making.get(key);
    if (!p) {
      p = this.makeStaffCode(corpId, userid).finally(() => this.making.delete(key));
      this.making.set(key, p);
    }
    return p;
  }

  private async makeStaffCode(corpId: string, userid: string): Promise<CodeConfig> {
    const staff = await repo.staffInfo(this.pool, corpId, userid);
    if (!staff) throw AppError.notFound(`staff member ${userid}`);
    if (!staff.is_follow_user) throw AppError.validation('userid', `${userid} does not have customer contact (客户联系) enabled, so cannot have a card code`);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`staff-card:${corpId}:${userid}`]);
      const again = await repo.staffCardCode(client, corpId, userid);
      let code: CodeConfig;
      if (again) {
        code = await this.deps.codes.get(corpId, again);
      } else {
        code = await this.deps.codes.create(corpId, {
          kind: 'staff', name: `员工活码 ${staff.name}`.slice(0, 60), channel: 'staff_card', storeId: staff.store_id, pool: [{ userid }],
          description: `${staff.name}的名片、海报与工牌 / ${staff.name}'s card, poster and badge`,
        });
        await repo.saveStaffCard(client, corpId, userid, code.id);
      }
      await client.query('COMMIT');
      return code;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Which design a card is drawn with: the template named (any canvas), else the newest published card template of the size, else built-in. */
  private async cardDesign(corpId: string, size: PosterDesign['canvas'], templateId?: number): Promise<{ design: PosterDesign; key: unknown }> {
    if (templateId) {
      const t = await this.get(corpId, templateId);
      if (t.archived_at) throw AppError.validation('templateId', `poster template ${templateId} is archived`);
      return { design: t.design, key: ['template', t.id, t.version] };
    }
    const t = await repo.newestPublished(this.pool, corpId, ['staff_card', 'badge'], size);
    return t ? { design: t.design, key: ['template', t.id, t.version] } : { design: STAFF_CARD_DESIGNS[size], key: ['staff-card', size] };
  }

  async staffCardInfo(corpId: string, userid: string): Promise<{ userid: string; name: string; liveCodeId: number; url: string }> {
    const code = await this.staffCode(corpId, userid);
    const staff = await repo.staffInfo(this.pool, corpId, userid);
    return { userid, name: staff?.name ?? userid, liveCodeId: code.id, url: `${this.deps.publicUrl()}/l/${code.key}` };
  }

  /** A staff member's card as a PNG at 300 dpi (badge 638×1016, A4 2480×3508, or the 9:16 poster). */
  async staffCard(corpId: string, userid: string, size: PosterDesign['canvas'], templateId?: number): Promise<RenderedPoster & { name: string }> {
    const staff = await repo.staffInfo(this.pool, corpId, userid);
    if (!staff) throw AppError.notFound(`staff member ${userid}`);
    const code = await this.staffCode(corpId, userid);
    const { design, key } = await this.cardDesign(corpId, size, templateId);
    const vars: PersonalVars = { qrText: `${this.deps.publicUrl()}/l/${code.key}`, staffName: staff.name, storeName: staff.store_name ?? '', avatarUrl: staff.avatar ?? undefined };
    return { ...(await this.draw(corpId, key, design, vars)), name: staff.name };
  }

  /** Every card of a store's staff (customer contact enabled) in one zip: `<userid>-<name>.png` each. */
  async storeCardsZip(corpId: string, storeId: number, size: PosterDesign['canvas'], templateId?: number): Promise<{ zip: Buffer; count: number }> {
    const staff = await repo.storeStaff(this.pool, corpId, storeId);
    const files: Record<string, Uint8Array> = {};
    // One at a time: each card may make a live code (WeCom calls) and drawing is CPU-bound anyway.
    for (const s of staff) {
      const card = await this.staffCard(corpId, s.userid, size, templateId);
      files[`${s.userid}-${s.name.replace(/[\\/:*?"<>|\s]+/g, '_')}.png`] = card.png;
    }
    // PNGs are compressed already: stored, not deflated again.
    return { zip: Buffer.from(zipSync(files, { level: 0 })), count: staff.length };
  }
}

export interface LiveCodePosterQuery {
  templateId?: number;
  title?: string; subtitle?: string; body?: string; background?: string; accent?: string; textColor?: string;
}

/** A design as the API sends it, with the schema's defaults. */
export const parseDesign = (d: PosterDesignInput): PosterDesign => PosterDesignSchema.parse(d);
