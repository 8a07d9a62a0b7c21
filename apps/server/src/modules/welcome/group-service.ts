// Group welcome templates (入群欢迎语素材, WECOM.md §5): text plus at most one attachment, created in
// WeCom's library (at most 100 per corp; an app may edit or delete only its own) and mirrored here so
// group codes can name the one their groups use. WeCom has no API to attach a template to a group:
// the owner picks it in the group's settings, so the console shows the template to choose.
import type pg from 'pg';
import {
  GROUP_LIBRARY_MAX, type GroupWelcomeAttachment, type GroupWelcomeContent, type GroupWelcomeTemplateItemOutput, type GroupWelcomeTemplateOutput,
} from '@pond/contracts/welcome';
import type { CorpService } from '../org';
import { AppError } from '../../platform/errors';
import { countGroupTemplates, deleteGroupTemplate, findGroupTemplate, insertGroupTemplate, listGroupTemplates, updateGroupTemplate } from './group-repo';

/** WeCom's content shape: `text` and the attachment's payload under its msgtype. */
function toWecom(input: { text?: string | undefined; attachment?: GroupWelcomeAttachment | undefined }): GroupWelcomeContent {
  if (!input.text && !input.attachment) throw AppError.validation('text', 'a group welcome needs text or an attachment');
  const out: GroupWelcomeContent = {};
  if (input.text) out.text = { content: input.text };
  const a = input.attachment;
  switch (a?.msgtype) {
    case 'image': out.image = a.image; break;
    case 'link': out.link = a.link; break;
    case 'miniprogram': out.miniprogram = a.miniprogram; break;
    case 'file': out.file = a.file; break;
    case 'video': out.video = a.video; break;
    default: break;
  }
  return out;
}

export class GroupWelcomeService {
  constructor(private pool: pg.Pool, private corps: CorpService) {}

  list(corpId: string): Promise<GroupWelcomeTemplateItemOutput[]> {
    return listGroupTemplates(this.pool, corpId);
  }

  async create(corpId: string, input: { name: string; text?: string | undefined; attachment?: GroupWelcomeAttachment | undefined; notify: boolean }): Promise<GroupWelcomeTemplateOutput> {
    const content = toWecom(input);
    if (await countGroupTemplates(this.pool, corpId) >= GROUP_LIBRARY_MAX) {
      throw AppError.validation('name', `WeCom keeps at most ${GROUP_LIBRARY_MAX} group welcome templates; delete one first`);
    }
    const client = await this.corps.client(corpId);
    const { template_id } = await client.groupWelcomeTemplateAdd({ ...content, notify: input.notify ? 1 : 0 });
    return insertGroupTemplate(this.pool, corpId, { templateId: template_id, name: input.name, content, notify: input.notify });
  }

  /** A new text or attachment is edited in WeCom's library first; a new name is Pond's own. */
  async update(corpId: string, templateId: string, patch: { name?: string | undefined; text?: string | undefined; attachment?: GroupWelcomeAttachment | undefined }): Promise<GroupWelcomeTemplateOutput> {
    const cur = await findGroupTemplate(this.pool, corpId, templateId);
    if (!cur) throw AppError.notFound(`group welcome template ${templateId}`);
    let content = cur.content;
    if (patch.text !== undefined || patch.attachment !== undefined) {
      content = toWecom({ text: patch.text ?? cur.content.text?.content, attachment: patch.attachment ?? undefined });
      const client = await this.corps.client(corpId);
      await client.groupWelcomeTemplateEdit({ template_id: templateId, ...content });
    }
    return updateGroupTemplate(this.pool, corpId, templateId, { name: patch.name ?? cur.name, content });
  }

  async remove(corpId: string, templateId: string): Promise<void> {
    if (!(await findGroupTemplate(this.pool, corpId, templateId))) throw AppError.notFound(`group welcome template ${templateId}`);
    const client = await this.corps.client(corpId);
    await client.groupWelcomeTemplateDel(templateId);
    await deleteGroupTemplate(this.pool, corpId, templateId);
  }
}
