// Group welcome templates (入群欢迎语素材, WECOM.md §5): text plus at most one attachment, created in
// WeCom's library (at most 100 per corp; an app may edit or delete only its own) and mirrored here so
// group codes can name the one their groups use. WeCom has no API to attach a template to a group:
// the owner picks it in the group's settings, so the console shows the template to choose.
import { z } from 'zod';
import type pg from 'pg';
import type { App } from '../../platform/http';
import { AppError } from '../../platform/errors';
import type { CorpService } from '../org';
import { Text, WecomId } from '../../platform/schemas';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

const LIBRARY_MAX = 100;
const TEXT_MAX_BYTES = 3000;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const Url = Text(2000).regex(/^https?:\/\//, 'must start with http:// or https://');
const MediaId = Text(256).min(1, 'is required');

const Attachment = z.discriminatedUnion('msgtype', [
  z.object({ msgtype: z.literal('image'), image: z.object({ media_id: MediaId.optional(), pic_url: Url.optional() }).refine((i) => i.media_id || i.pic_url, 'needs media_id or pic_url') }),
  z.object({ msgtype: z.literal('link'), link: z.object({ title: Text(128).min(1, 'is required').refine((t) => bytes(t) <= 128, 'must be at most 128 bytes'), picurl: Url.optional(), desc: Text(512).refine((t) => bytes(t) <= 512, 'must be at most 512 bytes').optional(), url: Url }) }),
  z.object({ msgtype: z.literal('miniprogram'), miniprogram: z.object({ title: Text(64).min(1, 'is required').refine((t) => bytes(t) <= 64, 'must be at most 64 bytes'), pic_media_id: MediaId, appid: Text(64).min(1, 'is required'), page: Text(2000).min(1, 'is required') }) }),
  z.object({ msgtype: z.literal('file'), file: z.object({ media_id: MediaId }) }),
  z.object({ msgtype: z.literal('video'), video: z.object({ media_id: MediaId }) }),
], { message: 'msgtype must be image, link, miniprogram, file or video' });

const Body = z.object({
  name: z.string().trim().min(1, 'is required').max(60, 'must be at most 60 characters'),
  text: Text(TEXT_MAX_BYTES).refine((t) => bytes(t) <= TEXT_MAX_BYTES, `must be at most ${TEXT_MAX_BYTES} bytes (WeCom's limit; %NICKNAME% inserts the member's name)`)
    .refine((t) => t.trim() !== '', 'must not be blank (leave it out to send only the attachment)').optional(),
  attachment: Attachment.optional(),
  notify: z.boolean().default(true),
});

type Input = z.infer<typeof Body>;

function toWecom(input: Pick<Input, 'text' | 'attachment'>) {
  if (!input.text && !input.attachment) throw AppError.validation('text', 'a group welcome needs text or an attachment');
  const out: Record<string, unknown> = {};
  if (input.text) out.text = { content: input.text };
  if (input.attachment) {
    const { msgtype, ...payload } = input.attachment as Record<string, unknown>;
    out[msgtype as string] = payload[msgtype as string];
  }
  return out;
}

const rowOut = (r: any) => ({ templateId: r.template_id, name: r.name, content: r.content, notify: r.notify, createdAt: r.created_at, updatedAt: r.updated_at });

export async function groupWelcomeRoutes(app: App, deps: { pool: pg.Pool; corps: CorpService }) {
  const { pool, corps } = deps;

  app.get('/api/group-welcome-templates', { config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags: ['welcome'] } }, async (req) => {
    const { rows } = await pool.query(
      `SELECT t.*, (SELECT coalesce(json_agg(json_build_object('id', c.id, 'name', c.name)), '[]') FROM live_codes c
                    WHERE c.corp_id = t.corp_id AND c.group_welcome_template_id = t.template_id AND c.status = 'active') AS codes
       FROM group_welcome_templates t WHERE t.corp_id = $1 AND t.deleted_at IS NULL ORDER BY t.created_at DESC`, [req.principal!.corpId]);
    return { items: rows.map((r) => ({ ...rowOut(r), codes: r.codes })) };
  });

  app.post('/api/group-welcome-templates', { config: access(WRITE_ROLES), schema: { tags: ['welcome'], body: Body } }, async (req) => {
    const corpId = req.principal!.corpId;
    const content = toWecom(req.body);
    const { rows: [n] } = await pool.query('SELECT count(*)::int AS n FROM group_welcome_templates WHERE corp_id = $1 AND deleted_at IS NULL', [corpId]);
    if (n.n >= LIBRARY_MAX) throw AppError.validation('name', `WeCom keeps at most ${LIBRARY_MAX} group welcome templates; delete one first`);
    const client = await corps.client(corpId);
    const { template_id } = await client.groupWelcomeTemplateAdd({ ...content, notify: req.body.notify ? 1 : 0 } as any);
    const { rows } = await pool.query(
      `INSERT INTO group_welcome_templates (corp_id, template_id, name, content, notify) VALUES ($1,$2,$3,$4,$5) RETURNING *`,
      [corpId, template_id, req.body.name, JSON.stringify(content), req.body.notify]);
    return rowOut(rows[0]);
  });

  app.patch('/api/group-welcome-templates/:templateId', {
    config: access(WRITE_ROLES, { params: { templateId: 'groupWelcomeTemplate' } }), schema: { tags: ['welcome'], params: z.object({ templateId: WecomId('a group welcome template id') }), body: Body.omit({ notify: true }).partial() },
  }, async (req) => {
    const corpId = req.principal!.corpId;
    const { rows: [cur] } = await pool.query('SELECT * FROM group_welcome_templates WHERE corp_id = $1 AND template_id = $2 AND deleted_at IS NULL', [corpId, req.params.templateId]);
    if (!cur) throw AppError.notFound(`group welcome template ${req.params.templateId}`);
    let content = cur.content;
    if (req.body.text !== undefined || req.body.attachment !== undefined) {
      content = toWecom({ text: req.body.text ?? cur.content.text?.content, attachment: req.body.attachment ?? undefined });
      const client = await corps.client(corpId);
      await client.groupWelcomeTemplateEdit({ template_id: req.params.templateId, ...content } as any);
    }
    const { rows } = await pool.query(
      `UPDATE group_welcome_templates SET name = $3, content = $4, updated_at = now() WHERE corp_id = $1 AND template_id = $2 RETURNING *`,
      [corpId, req.params.templateId, req.body.name ?? cur.name, JSON.stringify(content)]);
    return rowOut(rows[0]);
  });

  app.delete('/api/group-welcome-templates/:templateId', {
    config: access(WRITE_ROLES, { params: { templateId: 'groupWelcomeTemplate' } }), schema: { tags: ['welcome'], params: z.object({ templateId: WecomId('a group welcome template id') }) },
  }, async (req) => {
    const corpId = req.principal!.corpId;
    const r = await pool.query('SELECT 1 FROM group_welcome_templates WHERE corp_id = $1 AND template_id = $2 AND deleted_at IS NULL', [corpId, req.params.templateId]);
    if (!r.rowCount) throw AppError.notFound(`group welcome template ${req.params.templateId}`);
    const client = await corps.client(corpId);
    await client.groupWelcomeTemplateDel(req.params.templateId);
    await pool.query('UPDATE group_welcome_templates SET deleted_at = now() WHERE corp_id = $1 AND template_id = $2', [corpId, req.params.templateId]);
    await pool.query('UPDATE live_codes SET group_welcome_template_id = NULL, updated_at = now() WHERE corp_id = $1 AND group_welcome_template_id = $2', [corpId, req.params.templateId]);
    return { ok: true };
  });
}
