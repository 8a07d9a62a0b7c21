// Bad input never gets a 5xx. Every route of the OpenAPI description the server itself serves is sent
// inputs generated from its schema and then broken (wrong types, missing fields, huge and NUL strings,
// lone surrogates and other unicode, deep nesting, out-of-range numbers, empty bodies, wrong content
// types), as the admin and as nobody; any 5xx fails with the route, the input and the answer. And a
// request answered 4xx must have stored nothing: statement-level triggers count the rows every committed
// statement wrote, per table, and only the tables in ALLOWED_ON_REJECTION may change on a rejection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestPond, waitFor, type TestPond } from './helpers';

/** Tables a rejected request may write: the token's last use (written while authenticating, before the input is read),
 * the audit log (the previous, successful request's entry is written after its answer), and a failed sign-in's record
 * (the login throttle counts it: that is its purpose). */
const ALLOWED_ON_REJECTION = new Set(['api_tokens', 'audit_log', 'login_failures']);

type Schema = Record<string, any>;
interface Op { method: string; path: string; op: Schema }
interface Case { what: string; path: string; query?: string; headers?: Record<string, string>; body?: string | Buffer }

let pond: TestPond;
let db: pg.Client;
let doc: Schema;
let realIds: Record<string, string>;

beforeAll(async () => {
  // No worker: nothing writes in the background, so every write after a request is that request's.
  pond = await startTestPond({ roles: { api: true, worker: false } });
  db = new pg.Client({ connectionString: pond.databaseUrl });
  await db.connect();
  await db.query(`
    CREATE TABLE fuzz_writes (id bigserial PRIMARY KEY, tbl text NOT NULL, n bigint NOT NULL);
    CREATE FUNCTION fuzz_count() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE k bigint;
    BEGIN
      IF TG_OP = 'DELETE' THEN SELECT count(*) INTO k FROM old_rows; ELSE SELECT count(*) INTO k FROM new_rows; END IF;
      IF k > 0 THEN INSERT INTO fuzz_writes (tbl, n) VALUES (TG_TABLE_NAME, k); END IF;
      RETURN NULL;
    END $$;`);
  const { rows: tables } = await db.query(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'fuzz_writes'`);
  expect(tables.length).toBeGreaterThan(20);
  for (const { relname } of tables) {
    const t = `"${relname}"`;
    await db.query(`
      CREATE TRIGGER fuzz_ins AFTER INSERT ON ${t} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fuzz_count();
      CREATE TRIGGER fuzz_upd AFTER UPDATE ON ${t} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fuzz_count();
      CREATE TRIGGER fuzz_del AFTER DELETE ON ${t} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION fuzz_count();`);
  }
  const res = await fetch(`${pond.baseUrl}/docs/json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Schema;
  const { rows: [c] } = await db.query(
    `SELECT f.external_userid, f.userid, (SELECT chat_id FROM groups WHERE corp_id = $1 LIMIT 1) AS chat_id,
            (SELECT order_webhook_token FROM corps WHERE id = $1) AS token
     FROM follows f WHERE f.corp_id = $1 AND f.status = 'active' LIMIT 1`, [pond.corpId]);
  realIds = { corpId: pond.corpId, token: c.token, externalUserid: c.external_userid, userid: c.userid, chatId: c.chat_id };
}, 120_000);

afterAll(async () => {
  await db?.end();
  await pond?.close();
});

// ---- values from a schema ----

const resolve = (s: Schema | undefined): Schema => {
  let cur = s ?? {};
  for (let i = 0; cur.$ref && i < 10; i++) cur = doc.components?.schemas?.[String(cur.$ref).split('/').pop()!] ?? {};
  return cur;
};
const alternatives = (s: Schema): Schema[] => (s.anyOf ?? s.oneOf ?? s.allOf ?? [s]).map(resolve).filter((x: Schema) => x.type !== 'null');
const typeOf = (s: Schema): string => {
  const r = resolve(s);
  if (r.type) return Array.isArray(r.type) ? r.type.find((t: string) => t !== 'null') : r.type;
  const alt = alternatives(r)[0];
  return alt && alt !== r ? typeOf(alt) : r.properties ? 'object' : 'any';
};

const PATTERN_SAMPLES = ['1', '12345', 'abcd', 'abcd1234', '12:00', '2025-01-31', '#1677ff', 'https://example.com/x', 'wx1234567890', 'ab_cd', '+86 138 0000 0000', 'a'.repeat(43)];

/** A value the schema accepts, as far as one can tell without its refinements. */
function sample(s0: Schema | undefined, depth = 0): unknown {
  const s = resolve(s0);
  if (s.default !== undefined) return s.default;
  if (s.enum) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const alts = alternatives(s);
  if (alts[0] !== s && alts.length) return sample(alts[0], depth);
  switch (typeOf(s)) {
    case 'string': {
      if (s.format === 'date-time') return '2025-01-31T12:00:00+08:00';
      if (s.format === 'date') return '2025-01-31';
      if (s.format === 'uri') return 'https://example.com/x';
      if (s.pattern) return PATTERN_SAMPLES.find((v) => new RegExp(s.pattern).test(v)) ?? 'x';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    }
    case 'integer': case 'number': return Math.max(s.minimum ?? 1, Math.min(1, s.maximum ?? 1));
    case 'boolean': return true;
    case 'array': return depth > 4 ? [] : Array.from({ length: s.minItems ?? 0 }, () => sample(s.items, depth + 1));
    case 'object': {
      const o: Record<string, unknown> = {};
      if (depth > 4) return o;
      for (const k of s.required ?? []) o[k] = sample(s.properties?.[k], depth + 1);
      return o;
    }
    default: return 'x';
  }
}

const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const MB = 'x'.repeat(1024 * 1024);
const NUL = '"a\\u0000b"';
const SURROGATE = '"\\ud800x"';
const NOTHING = '"fuzz0nothing"';

/**
 * Broken values for a field of this schema, as JSON text (so deep nesting is never built or parsed here). Fields
 * inside objects (`compact`) get one of each kind: a wrong type, NUL, and the type's own overflow.
 */
function badJson(s0: Schema | undefined, huge: boolean, compact = false): string[] {
  const s = resolve(s0);
  const t = typeOf(s);
  const wrongType = t === 'string' ? '1234567' : t === 'array' ? '{}' : t === 'object' ? '[]' : '"x"';
  if (compact) {
    const overflow = t === 'string' ? JSON.stringify('x'.repeat((s.maxLength ?? 20_000) + 1)) : t === 'array' ? deepArray(10_000)
      : t === 'object' || t === 'any' ? deepObject(10_000) : '2147483648';
    return [wrongType, NUL, overflow];
  }
  const out = ['null', wrongType];
  if (t === 'string' || t === 'any') {
    // NOTHING: well-formed, but names nothing that exists (a userid, a tag, a template): the handler, not the schema, answers.
    out.push(NUL, JSON.stringify('x'.repeat((s.maxLength ?? 20_000) + 1)), NOTHING);
    // Once per route: what the guard refuses for every field alike, and a megabyte.
    if (huge) out.push(SURROGATE, JSON.stringify('😀\u202e\u0301𠀀'), JSON.stringify(MB));
  }
  if (t === 'integer' || t === 'number') out.push('1e308', '2147483648', '-1', '1.5');
  if (t === 'array') {
    const item = typeOf(s.items);
    out.push(deepArray(10_000), `[${Array(2000).fill(item === 'string' ? '"x"' : item === 'object' ? '{}' : '1').join(',')}]`,
      `[${NUL}]`, '[2147483648]', `[${deepObject(10_000)}]`, `[${NOTHING}]`);
  }
  if (t === 'object' || t === 'any') out.push(deepObject(10_000), NUL);
  return out;
}

/** Broken values for a path or query parameter (already URL-encoded). */
function badParam(s0: Schema | undefined): string[] {
  const s = resolve(s0);
  const out = ['a%00b', '%ED%A0%80', '%F0%9F%98%80%E2%80%AE', '-1', '1.5', '1e308', '2147483648', '99999999999999', '9223372036854775808', 'x'.repeat(4000)];
  if (s.maxLength) out.push('x'.repeat(s.maxLength + 1));
  return out;
}

function validParam(name: string, s: Schema, inSim: boolean): string {
  if (!inSim && realIds[name]) return encodeURIComponent(realIds[name]);
  const t = typeOf(s);
  return t === 'integer' || t === 'number' ? '987654' : 'fuzz0nothing';
}

/** `anonymous`: also sent without credentials (the validation that runs before authentication, and the 401s). */
function casesFor(o: Op): (Case & { anonymous: boolean })[] {
  const inSim = o.path.startsWith('/sim');
  const params: Schema[] = o.op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const fill = (over: Record<string, string> = {}) =>
    o.path.replace(/\{(\w+)\}/g, (_m, n: string) => over[n] ?? validParam(n, pathParams.find((p) => p.name === n)?.schema ?? {}, inSim));
  const validQuery: Record<string, string> = {};
  for (const q of queryParams) if (q.required) validQuery[q.name] = encodeURIComponent(String(sample(q.schema)));
  const qs = (over: Record<string, string | undefined> = {}) =>
    Object.entries({ ...validQuery, ...over }).filter(([, v]) => v !== undefined).map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');
  const jsonSchema = o.op.requestBody?.content?.['application/json']?.schema;
  const hasBody = o.method !== 'GET' && o.method !== 'DELETE';
  const validBody = jsonSchema ? sample(jsonSchema) : {};
  const JSON_TYPE = { 'content-type': 'application/json' };
  const base: Case = { what: 'valid-looking', path: fill(), query: qs(), ...(hasBody ? { headers: JSON_TYPE, body: JSON.stringify(validBody) } : {}) };
  const cases: (Case & { anonymous: boolean })[] = [{ ...base, anonymous: true }];
  const add = (c: Partial<Case> & { what: string }, anonymous = false) => cases.push({ ...base, ...c, anonymous });

  // Parameters no schema declares still reach the handler's request object.
  add({ what: 'undeclared query a%00b', query: qs({ fuzz: 'a%00b' }) });
  add({ what: 'undeclared query 4000 x', query: qs({ fuzz: 'x'.repeat(4000) }) });
  add({ what: 'undeclared query twice', query: qs({ fuzz: '1&fuzz=2' }) });
  for (const p of pathParams) for (const v of badParam(p.schema)) add({ what: `path ${p.name}=${v.slice(0, 40)}`, path: fill({ [p.name]: v }) }, v === 'a%00b' || v === '99999999999999');
  for (const q of queryParams) {
    for (const v of badParam(q.schema)) add({ what: `query ${q.name}=${v.slice(0, 40)}`, query: qs({ [q.name]: v }) }, v === 'a%00b');
    add({ what: `query ${q.name} twice`, query: `${qs()}&${q.name}=1&${q.name}=2` });
    if (q.required) add({ what: `query ${q.name} missing`, query: qs({ [q.name]: undefined }) });
  }
  if (hasBody) {
    const whole = (what: string, body: string | Buffer, type = 'application/json', anonymous = false) => add({ what, headers: type ? { 'content-type': type } : {}, body }, anonymous);
    whole('empty JSON body', '', 'application/json', true);
    whole('JSON null', 'null');
    whole('broken JSON', '{"a":', 'application/json', true);
    whole('NUL in JSON text', '{"a":"\u0000"}');
    whole('invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    whole('10k-deep body', deepObject(10_000), 'application/json', true);
    whole('text/plain body', 'a\u0000b', 'text/plain');
    whole('no content type', JSON.stringify(validBody), '');
  }
  // Body fields: each top-level field, and each field of a top-level object (or array of objects).
  const body = resolve(jsonSchema);
  if (jsonSchema && validBody && typeof validBody === 'object' && !Array.isArray(validBody)) {
    let huge = true;
    const withField = (path: string[], raw: string) => {
      const copy = structuredClone(validBody) as Record<string, any>;
      let cur: any = copy;
      for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]] ??= /^\d+$/.test(path[i + 1]) ? [] : {};
      cur[path[path.length - 1]] = '__FUZZ__';
      return JSON.stringify(copy).replace('"__FUZZ__"', () => raw);
    };
    const fields = (s: Schema, prefix: string[], level: number): void => {
      const r = resolve(s);
      for (const obj of [r, ...alternatives(r)].filter((x) => x.properties)) {
        for (const [k, fs] of Object.entries<Schema>(obj.properties)) {
          const path = [...prefix, k];
          badJson(fs, huge, level > 0).forEach((v) => add({ what: `body ${path.join('.')}=${v.slice(0, 40)}`, headers: JSON_TYPE, body: withField(path, v) }));
          if (typeOf(fs) === 'string') huge = false;
          if (level === 0 && (obj.required ?? []).includes(k)) {
            const copy = structuredClone(validBody) as Record<string, unknown>;
            delete copy[k];
            add({ what: `body ${k} missing`, headers: JSON_TYPE, body: JSON.stringify(copy) });
          }
          const f = resolve(fs);
          const inner = typeOf(f) === 'array' ? resolve(f.items) : f;
          if (level === 0 && typeOf(inner) === 'object') fields(inner, typeOf(f) === 'array' ? [...path, '0'] : path, 1);
        }
      }
    };
    fields(body, [], 0);
  }
  return cases;
}

// ---- running ----

function parsedError(text: string): { code?: string; field?: string; message?: string } | undefined {
  try { return JSON.parse(text)?.error; } catch { return undefined; }
}

async function writesSince(id: string): Promise<{ max: string; tables: string[] }> {
  const { rows: [r] } = await db.query(
    `SELECT coalesce((SELECT max(id) FROM fuzz_writes), 0)::text AS max, array(SELECT DISTINCT tbl FROM fuzz_writes WHERE id > $1) AS tables`, [id]);
  return r;
}

interface Answer { status: number; text: string }

async function send(o: Op, c: Case, admin: boolean): Promise<Answer & { input: string }> {
  const headers: Record<string, string> = { ...(c.headers ?? {}) };
  if (admin) headers.authorization = `Bearer ${pond.token}`;
  if (headers['content-type'] === '') delete headers['content-type'];
  const body = o.method === 'GET' ? undefined : c.body;
  const input = `${c.what}${body !== undefined ? ` body[${typeof body === 'string' ? body.length : body.byteLength}]=${String(body).slice(0, 80)}` : ''}`;
  try {
    const res = await fetch(`${pond.baseUrl}${c.path}${c.query ? `?${c.query}` : ''}`, { method: o.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(20_000) });
    return { status: res.status, text: (await res.text()).slice(0, 2000), input };
  } catch (err) {
    return { status: 599, text: String(err), input };
  }
}

describe('bad input never gets a 5xx', () => {
  it('walks every route of the OpenAPI description as the admin and as nobody', async () => {
    const ops: Op[] = [];
    for (const [path, byMethod] of Object.entries<Schema>(doc.paths)) {
      for (const [method, op] of Object.entries<Schema>(byMethod)) {
        if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) ops.push({ method: method.toUpperCase(), path, op });
      }
    }
    expect(ops.length).toBeGreaterThan(100);
    const exercised = new Map<string, number>();
    const failures: string[] = [];
    const writtenByAccepted = new Set<string>();
    const check = (o: Op, who: string, a: Answer & { input: string }, wrote: string[]) => {
      const route = `${o.method} ${o.path}`;
      exercised.set(route, (exercised.get(route) ?? 0) + 1);
      if (a.status >= 500) failures.push(`${route} as ${who}: ${a.input} → ${a.status} ${a.text.slice(0, 300)}`);
      if (a.status < 400) wrote.forEach((t) => writtenByAccepted.add(t));
      if (a.status < 400 || a.status >= 500) return;
      const unexpected = wrote.filter((t) => !ALLOWED_ON_REJECTION.has(t));
      if (unexpected.length) failures.push(`${route} as ${who}: ${a.input} → ${a.status} but wrote ${unexpected.join(', ')}`);
      const error = a.status === 400 ? parsedError(a.text) : undefined;
      if (error?.code === 'validation_failed' && !(error.field && String(error.message).startsWith(`${error.field}: `))) {
        failures.push(`${route} as ${who}: ${a.input} → 400 without naming the field: ${a.text.slice(0, 300)}`);
      }
    };
    const started = Date.now();

    // The simulator stands in for WeCom and writes only its own schema: its routes go first, eight at a time, each
    // input once (it has no Pond credentials to send or not).
    const simCases = ops.filter((o) => o.path.startsWith('/sim')).flatMap((o) => casesFor(o).map((c) => [o, c] as const));
    for (let i = 0; i < simCases.length; i += 8) {
      await Promise.all(simCases.slice(i, i + 8).map(async ([o, c]) => check(o, 'admin', await send(o, c, true), [])));
    }

    // Pond's routes one request at a time, so every committed write after a request is that request's.
    let last = (await writesSince('0')).max;
    await waitFor(async () => { const now = (await writesSince('0')).max; const settled = now === last; last = now; return settled; }, { intervalMs: 300, message: 'writes to settle' });
    // Last: the connection settings (a well-formed secret or API base would cut Pond off from WeCom for the routes after).
    const pondOps = ops.filter((x) => !x.path.startsWith('/sim')).sort((a, b) => Number(a.path === '/api/settings/corp') - Number(b.path === '/api/settings/corp'));
    for (const o of pondOps) {
      for (const c of casesFor(o)) {
        for (const admin of c.anonymous ? [true, false] : [true]) {
          const before = last;
          const a = await send(o, c, admin);
          const w = await writesSince(before);
          last = w.max;
          check(o, admin ? 'admin' : 'anonymous', a, w.tables);
        }
      }
    }
    const requests = [...exercised.values()].reduce((x, y) => x + y, 0);
    console.log(`fuzz: ${requests} requests over ${ops.length} routes in ${Date.now() - started} ms`);
    expect(exercised.size).toBe(ops.length);
    // The triggers see committed writes: accepted requests' rows were counted.
    expect([...writtenByAccepted]).toEqual(expect.arrayContaining(['script_folders', 'stores']));
    for (const o of ops) expect(exercised.get(`${o.method} ${o.path}`) ?? 0, `${o.method} ${o.path} exercised`).toBeGreaterThanOrEqual(4);
    expect(failures.slice(0, 60), `${failures.length} failures`).toEqual([]);
  }, 600_000);

  it('and the pages outside the description (landing, sidebar) answer 4xx pages too', async () => {
    const { rows: [code] } = await db.query(`SELECT key FROM live_codes WHERE corp_id = $1 LIMIT 1`, [pond.corpId]);
    const key = code?.key ?? 'abcd1234';
    const paths = [
      '/l/a%00b', `/l/${'x'.repeat(4000)}`, '/l/%ED%A0%80', `/l/${key}?lat=1e308&lng=NaN&store=99999999999999&city=%00&auto=1`,
      `/l/${key}?lat=%ED%A0%80&store=a%00b`, `/sidebar/${pond.corpId}?code=a%00b&state=x`, `/sidebar/${pond.corpId}?code=${'x'.repeat(4000)}&state=x`,
      '/sidebar/a%00b', `/sidebar/${'x'.repeat(4000)}`, '/sidebar/%ED%A0%80', '/healthz?x=%00',
    ];
    const answers = await Promise.all(paths.map(async (p) => [p.slice(0, 80), (await fetch(`${pond.baseUrl}${p}`, { redirect: 'manual' })).status] as const));
    expect(answers.filter(([, status]) => status >= 500)).toEqual([]);
    expect(answers.filter(([p]) => p.includes('%00')).map(([, status]) => status)).toEqual(Array(6).fill(400));
  });
});
