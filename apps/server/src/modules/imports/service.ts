// CSV imports, each with a dry run that reports every bad row (row number, column, rule) and changes
// nothing; a real run applies the good rows — a bad row never stops the others — and is idempotent.
// • customer attributes: external_userid (or unionid) plus any columns, stored as attributes;
// • 公众号 followers: unionid (+ openid, nickname, more columns); matched to customers by unionid or
//   through WeCom's unionid_to_external_userid, the rest kept as leads.
import type pg from 'pg';
import type { z } from 'zod';
import type { ImportReport, LeadList } from '@pond/contracts/imports';
import { WecomError } from '@pond/wecom';
import { parseCsv } from '../../platform/csv-parse';
import { AppError } from '../../platform/errors';
import type { CorpService } from '../org';
import { customerByUnionid, customersBy, listLeads, upsertAttributes, upsertLead } from './repo';

const MAX_ROWS = 100_000;
const KEY = /^[\p{L}\p{N}_ -]{1,30}$/u;

function table(csv: string) {
  const rows = parseCsv(csv);
  if (rows.length === 0) throw AppError.validation('body', 'the CSV is empty');
  if (rows.length - 1 > MAX_ROWS) throw AppError.validation('body', `at most ${MAX_ROWS} rows per import`);
  const header = rows[0].map((h) => h.trim());
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) throw AppError.validation('header', `column "${dup}" appears twice`);
  return { header, rows: rows.slice(1) };
}

export class ImportService {
  constructor(private pool: pg.Pool, private corps: CorpService) {}

  async customerAttributes(corpId: string, csv: string, dryRun: boolean): Promise<ImportReport> {
    const { header, rows } = table(csv);
    const idCol = header.indexOf('external_userid') >= 0 ? 'external_userid' : header.indexOf('unionid') >= 0 ? 'unionid' : null;
    if (!idCol) throw AppError.validation('header', 'needs an external_userid or a unionid column');
    const attrCols = header.map((h, i) => ({ h, i })).filter((c) => c.h !== idCol && c.h !== '');
    const badKey = attrCols.find((c) => !KEY.test(c.h));
    if (badKey) throw AppError.validation('header', `column "${badKey.h}": names are 1–30 letters, digits, spaces, _ or -`);
    if (attrCols.length === 0) throw AppError.validation('header', 'no attribute columns besides the id');
    const ids = rows.map((r) => (r[header.indexOf(idCol)] ?? '').trim());
    const byKey = await customersBy(this.pool, corpId, idCol, ids.filter(Boolean));
    const report: ImportReport = { rows: rows.length, ok: 0, errors: [], dryRun };
    const good: { ext: string; key: string; value: string }[] = [];
    rows.forEach((r, i) => {
      const rowNo = i + 2; // 1-based, after the header
      const id = ids[i];
      if (!id) return report.errors.push({ row: rowNo, field: idCol, message: 'is empty' });
      const ext = byKey.get(id);
      if (!ext) return report.errors.push({ row: rowNo, field: idCol, message: `no customer ${id}` });
      if (r.length > header.length) return report.errors.push({ row: rowNo, field: 'row', message: `has ${r.length} cells, the header ${header.length}` });
      const long = attrCols.find((c) => (r[c.i] ?? '').length > 500);
      if (long) return report.errors.push({ row: rowNo, field: long.h, message: 'must be at most 500 characters' });
      for (const c of attrCols) {
        const v = (r[c.i] ?? '').trim();
        if (v !== '') good.push({ ext, key: c.h, value: v });
      }
      report.ok++;
    });
    if (!dryRun) await upsertAttributes(this.pool, corpId, good);
    return report;
  }

  async followers(corpId: string, csv: string, dryRun: boolean, source = '公众号'): Promise<ImportReport> {
    const { header, rows } = table(csv);
    const col = (n: string) => header.indexOf(n);
    if (col('unionid') < 0) throw AppError.validation('header', 'needs a unionid column');
    const extra = header.map((h, i) => ({ h, i })).filter((c) => !['unionid', 'openid', 'nickname'].includes(c.h) && c.h !== '');
    const report: ImportReport = { rows: rows.length, ok: 0, errors: [], dryRun };
    let matched = 0;
    let leads = 0;
    const seen = new Set<string>();
    const client = dryRun ? null : await this.corps.client(corpId);
    for (const [i, r] of rows.entries()) {
      const rowNo = i + 2;
      const unionid = (r[col('unionid')] ?? '').trim();
      const openid = col('openid') >= 0 ? (r[col('openid')] ?? '').trim() : '';
      if (!/^[A-Za-z0-9_-]{10,64}$/.test(unionid)) { report.errors.push({ row: rowNo, field: 'unionid', message: 'must be a WeChat unionid (10–64 letters, digits, _ or -)' }); continue; }
      if (seen.has(unionid)) { report.errors.push({ row: rowNo, field: 'unionid', message: 'appears twice in this file' }); continue; }
      seen.add(unionid);
      report.ok++;
      const attrs: Record<string, string> = Object.fromEntries(extra.map((c): [string, string] => [c.h, (r[c.i] ?? '').trim()]).filter(([, v]) => v !== ''));
      let ext = await customerByUnionid(this.pool, corpId, unionid);
      if (!ext && client && openid) {
        try {
          ext = (await client.unionidToExternalUserid({ unionid, openid })).external_userid ?? null;
        } catch (err) {
          if (!(err instanceof WecomError) || err.kind !== 'api') throw err; // not a customer: a lead
        }
      }
      if (ext) matched++; else leads++;
      if (dryRun) continue;
      const nickname = col('nickname') >= 0 ? (r[col('nickname')] ?? '').trim() || null : null;
      await upsertLead(this.pool, corpId, { unionid, openid: openid || null, nickname, source, attributes: attrs, matched_external_userid: ext });
      const customer = ext;
      if (customer) await upsertAttributes(this.pool, corpId, Object.entries(attrs).map(([key, value]) => ({ ext: customer, key, value })));
    }
    return { ...report, matched, leads };
  }

  async listLeads(corpId: string, page: number, pageSize: number): Promise<z.output<typeof LeadList>> {
    const rows = await listLeads(this.pool, corpId, page, pageSize);
    return {
      total: rows[0]?.total ?? 0,
      items: rows.map((l) => ({ unionid: l.unionid, openid: l.openid, nickname: l.nickname, source: l.source, attributes: l.attributes, matchedExternalUserid: l.matched_external_userid, createdAt: l.created_at })),
    };
  }
}
