// Saved rules by name — customer segments and group segments alike: listed, read, created, edited and deleted the
// same way. A saved rule is checked again against its schema whenever it is used (savedRule).
import type pg from 'pg';
import type { z } from 'zod';
import { AppError } from '../../platform/errors';
import { SavedRuleRepo, type SavedRuleRow, type SavedRuleTable } from './repo';
import { savedRule } from './rule';

export class SavedRules<S extends z.ZodType> {
  private repo: SavedRuleRepo;

  /** `noun` names a saved rule in errors ("segment 3", "group segment 3"). */
  constructor(db: Pick<pg.Pool, 'query'>, table: SavedRuleTable, private noun: string, private schema: S) {
    this.repo = new SavedRuleRepo(db, table);
  }

  /** The API's form of a saved rule. The rule goes back as saved: a rule saved before today's limits is still listed
   * (so it can be edited); using it is a 400 (ruleOf). */
  private out(s: SavedRuleRow) {
    return { id: s.id, name: s.name, rule: s.rule as z.output<S>, createdBy: s.created_by, createdAt: s.created_at, updatedAt: s.updated_at };
  }

  async list(corpId: string) {
    return (await this.repo.list(corpId)).map((s) => this.out(s));
  }

  async get(corpId: string, id: number): Promise<SavedRuleRow> {
    const s = await this.repo.find(corpId, id);
    if (!s) throw AppError.notFound(`${this.noun} ${id}`);
    return s;
  }

  /** The saved rule, checked: a 400 on `rule` when it no longer passes its schema. */
  ruleOf(s: SavedRuleRow): z.output<S> {
    return savedRule(this.schema, s.rule, 'rule', `${this.noun} ${s.id}`);
  }

  async create(corpId: string, body: { name: string; rule: z.output<S> }, createdBy: string) {
    return this.out(await this.repo.insert(corpId, body.name, body.rule, createdBy));
  }

  async update(corpId: string, id: number, patch: { name?: string; rule?: z.output<S> }) {
    const cur = await this.get(corpId, id);
    return this.out(await this.repo.update(corpId, id, patch.name ?? cur.name, patch.rule ?? this.ruleOf(cur)));
  }

  async remove(corpId: string, id: number): Promise<void> {
    await this.get(corpId, id);
    await this.repo.softDelete(corpId, id);
  }
}
