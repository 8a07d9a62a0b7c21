// SQL for group welcome templates (入群欢迎语素材), mirrored from WeCom's library. Every function takes the corp id.
import type pg from 'pg';
import type { GroupWelcomeContent, GroupWelcomeTemplateItemOutput, GroupWelcomeTemplateOutput } from '@pond/contracts/welcome';
import type { Cols, Row } from '../../platform/db/rows';

type Queryable = Pick<pg.Pool, 'query'>;

/** The row with its content typed: only toWecom (group-service.ts) writes it, in WeCom's shape. */
type TemplateRow = Omit<Row<'group_welcome_templates'>, 'content'> & { content: GroupWelcomeContent };

const toTemplate = (r: TemplateRow): GroupWelcomeTemplateOutput =>
  ({ templateId: r.template_id, name: r.name, content: r.content, notify: r.notify, createdAt: r.created_at, updatedAt: r.updated_at });

/** The corp's templates, newest first, each with the active live codes whose groups use it. */
export async function listGroupTemplates(db: Queryable, corpId: string): Promise<GroupWelcomeTemplateItemOutput[]> {
  const { rows } = await db.query<TemplateRow & { codes: Cols<'live_codes', 'id' | 'name'>[] }>(
    `SELECT t.*, (SELECT coalesce(json_agg(json_build_object('id', c.id, 'name', c.name)), '[]') FROM live_codes c
                  WHERE c.corp_id = t.corp_id AND c.group_welcome_template_id = t.template_id AND c.status = 'active') AS codes
     FROM group_welcome_templates t WHERE t.corp_id = $1 AND t.deleted_at IS NULL ORDER BY t.created_at DESC`, [corpId]);
  return rows.map((r) => ({ ...toTemplate(r), codes: r.codes }));
}

export async function countGroupTemplates(db: Queryable, corpId: string): Promise<number> {
  const { rows: [n] } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM group_welcome_templates WHERE corp_id = $1 AND deleted_at IS NULL', [corpId]);
  return n.n;
}

export async function findGroupTemplate(db: Queryable, corpId: string, templateId: string): Promise<GroupWelcomeTemplateOutput | null> {
  const { rows: [r] } = await db.query<TemplateRow>(
    'SELECT * FROM group_welcome_templates WHERE corp_id = $1 AND template_id = $2 AND deleted_at IS NULL', [corpId, templateId]);
  return r ? toTemplate(r) : null;
}

export async function insertGroupTemplate(
  db: Queryable, corpId: string, t: { templateId: string; name: string; content: GroupWelcomeContent; notify: boolean },
): Promise<GroupWelcomeTemplateOutput> {
  const { rows: [r] } = await db.query<TemplateRow>(
    `INSERT INTO group_welcome_templates (corp_id, template_id, name, content, notify) VALUES ($1,$2,$3,$4,$5) RETURNING *`,
    [corpId, t.templateId, t.name, JSON.stringify(t.content), t.notify]);
  return toTemplate(r);
}

export async function updateGroupTemplate(
  db: Queryable, corpId: string, templateId: string, t: { name: string; content: GroupWelcomeContent },
): Promise<GroupWelcomeTemplateOutput> {
  const { rows: [r] } = await db.query<TemplateRow>(
    `UPDATE group_welcome_templates SET name = $3, content = $4, updated_at = now() WHERE corp_id = $1 AND template_id = $2 RETURNING *`,
    [corpId, templateId, t.name, JSON.stringify(t.content)]);
  return toTemplate(r);
}

/** Marks the template deleted and detaches it from the live codes that named it. */
export async function deleteGroupTemplate(db: Queryable, corpId: string, templateId: string): Promise<void> {
  await db.query('UPDATE group_welcome_templates SET deleted_at = now() WHERE corp_id = $1 AND template_id = $2', [corpId, templateId]);
  await db.query('UPDATE live_codes SET group_welcome_template_id = NULL, updated_at = now() WHERE corp_id = $1 AND group_welcome_template_id = $2', [corpId, templateId]);
}
