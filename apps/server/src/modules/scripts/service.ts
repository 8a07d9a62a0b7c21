// Script library (话术): folders of saved replies for staff. Search splits Chinese text into words
// (jieba, search mode) so "物流信息" finds "查询物流" scripts; placeholders ({nickname}, {staff}) are
// filled for the customer a staff member is talking to.
import { createRequire } from 'node:module';
import type pg from 'pg';
import type { ScriptFolder, ScriptOutput } from '@pond/contracts/scripts';
import { AppError } from '../../platform/errors';
import {
  countUse, deleteFolder, findScript, folderContents, folderExists, insertFolder, insertScript, listFolders, renderNames, searchScripts,
  softDeleteScript, updateScript,
} from './repo';

const require = createRequire(import.meta.url);
type JiebaT = { cutForSearch(text: string, hmm?: boolean): string[] };
let jieba: JiebaT | null = null;
function segmenter(): JiebaT {
  if (!jieba) {
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(d: Uint8Array): JiebaT } };
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

/** Searchable words: jieba's search-mode words plus Latin words and numbers, lower-cased, without punctuation. */
export function words(text: string): string[] {
  const out = new Set<string>();
  for (const w of segmenter().cutForSearch(text, true)) {
    const t = w.trim().toLowerCase();
    if (t && /[\p{L}\p{N}]/u.test(t)) out.add(t);
  }
  return [...out];
}

export class ScriptService {
  constructor(private pool: pg.Pool) {}

  folders(corpId: string): Promise<ScriptFolder[]> {
    return listFolders(this.pool, corpId);
  }

  async createFolder(corpId: string, input: { name: string; parentId?: number | null | undefined; position?: number | undefined }): Promise<ScriptFolder> {
    if (input.parentId != null) await this.requireFolder(corpId, input.parentId, 'parentId');
    return insertFolder(this.pool, corpId, { name: input.name, parentId: input.parentId ?? null, position: input.position ?? 0 });
  }

  async deleteFolder(corpId: string, id: number): Promise<void> {
    await this.requireFolder(corpId, id, 'id');
    if (await folderContents(this.pool, id) > 0) throw new AppError('conflict', 'the folder is not empty: move or delete its scripts and subfolders first');
    await deleteFolder(this.pool, id);
  }

  private async requireFolder(corpId: string, id: number, field: string): Promise<void> {
    if (!(await folderExists(this.pool, corpId, id))) throw AppError.validation(field, `no folder ${id}`);
  }

  async create(corpId: string, input: { folderId?: number | null | undefined; title: string; content: string }, createdBy: string): Promise<ScriptOutput> {
    if (input.folderId != null) await this.requireFolder(corpId, input.folderId, 'folderId');
    return insertScript(this.pool, corpId, {
      folderId: input.folderId ?? null, title: input.title, content: input.content, keywords: words(`${input.title} ${input.content}`), createdBy,
    });
  }

  async update(corpId: string, id: number, patch: { folderId?: number | null | undefined; title?: string | undefined; content?: string | undefined }): Promise<ScriptOutput> {
    const cur = await findScript(this.pool, corpId, id);
    if (!cur) throw AppError.notFound(`script ${id}`);
    if (patch.folderId != null) await this.requireFolder(corpId, patch.folderId, 'folderId');
    const title = patch.title ?? cur.title;
    const content = patch.content ?? cur.content;
    return updateScript(this.pool, corpId, id, {
      folderId: patch.folderId === undefined ? cur.folderId : patch.folderId, title, content, keywords: words(`${title} ${content}`),
    });
  }

  async remove(corpId: string, id: number): Promise<void> {
    if (!(await softDeleteScript(this.pool, corpId, id))) throw AppError.notFound(`script ${id}`);
  }

  /** Scripts of a folder, or matching a query: ranked by how many of its words match, then by use. */
  search(corpId: string, q: { q?: string | undefined; folderId?: number | undefined; limit: number }): Promise<ScriptOutput[]> {
    return searchScripts(this.pool, corpId, { folderId: q.folderId ?? null, terms: q.q ? words(q.q) : [], text: q.q ?? null, limit: q.limit });
  }

  /** The script's text for one customer: {nickname} and {staff} filled in. */
  async render(corpId: string, id: number, ctx: { externalUserid?: string | undefined; userid?: string | undefined }): Promise<{ id: number; text: string }> {
    const s = await findScript(this.pool, corpId, id);
    if (!s) throw AppError.notFound(`script ${id}`);
    const names = await renderNames(this.pool, corpId, ctx.externalUserid ?? '', ctx.userid ?? '');
    return { id: s.id, text: s.content.replaceAll('{nickname}', names.customer ?? '').replaceAll('{staff}', names.staff ?? '') };
  }

  async used(corpId: string, id: number): Promise<void> {
    await countUse(this.pool, corpId, id);
  }
}
