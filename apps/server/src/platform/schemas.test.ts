// The input limits declared in platform/schemas: what Postgres cannot store, nesting, rule size, and the errors
// below the services turned into the AppError they mean.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WecomArgumentError, WecomError } from '@pond/wecom';
import { asAppError, WECOM_FIXES } from './errors';
import { boundedRule, findUnstorable, Int4, MAX_JSON_DEPTH, ruleShapeProblem, Userid, Yuan } from './schemas';

describe('findUnstorable', () => {
  it('finds NUL and lone surrogates in values and keys, and names where', () => {
    expect(findUnstorable({ a: [{ b: 'ok' }, { b: 'x\u0000' }] })).toEqual({ path: 'a.1.b', rule: 'must not contain NUL (\\u0000) characters' });
    expect(findUnstorable({ a: 'x\ud800' })).toEqual({ path: 'a', rule: 'must be valid Unicode (no lone surrogates)' });
    expect(findUnstorable({ a: 'x\udc00y' })?.path).toBe('a');
    expect(findUnstorable({ a: { 'k\u0000': 1 } })?.path).toBe('a');
    expect(findUnstorable('plain\u0000text')).toEqual({ path: '', rule: 'must not contain NUL (\\u0000) characters' });
    expect(findUnstorable({ a: '😀 鱼塘 \u202e', b: [1, true, null], c: Buffer.from([0]) })).toBeNull();
  });

  it('walks any depth without recursion, and refuses more than MAX_JSON_DEPTH levels', () => {
    let v: unknown = 'leaf';
    for (let i = 0; i < 200_000; i++) v = [v];
    expect(findUnstorable({ rule: v })).toEqual({ path: 'rule', rule: `nested deeper than ${MAX_JSON_DEPTH} levels` });
    let ok: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) ok = { a: ok };
    expect(findUnstorable(ok)).toBeNull();
  });
});

describe('rule limits', () => {
  const leaf = { type: 'x' };
  const nest = (n: number) => { let r: any = leaf; for (let i = 0; i < n; i++) r = { op: 'and', conditions: [r] }; return r; };

  it('counts levels of groups and all nodes, iteratively', () => {
    const limits = { depth: 5, nodes: 200 };
    expect(ruleShapeProblem(nest(5), limits)).toBeNull();
    expect(ruleShapeProblem(nest(6), limits)).toBe('nested deeper than 5 levels');
    expect(ruleShapeProblem(nest(100_000), limits)).toBe('nested deeper than 5 levels');
    expect(ruleShapeProblem({ op: 'or', conditions: Array(199).fill(leaf) }, limits)).toBeNull();
    expect(ruleShapeProblem({ op: 'or', conditions: Array(200).fill(leaf) }, limits)).toBe('has more than 200 conditions and groups');
  });

  it('stops a recursive schema before it sees an unbounded rule', () => {
    type N = { op: string; conditions: N[] } | { type: string };
    const Tree: z.ZodType<N> = z.lazy(() => z.union([z.object({ op: z.string(), conditions: z.array(Tree) }), z.object({ type: z.string() })]));
    const Rule = boundedRule(Tree, { depth: 5, nodes: 200 });
    const r = z.object({ rule: Rule }).safeParse({ rule: nest(50_000) });
    expect(r.success).toBe(false);
    expect(r.error!.issues).toEqual([expect.objectContaining({ path: ['rule'], message: 'nested deeper than 5 levels' })]);
    expect(z.object({ rule: Rule }).safeParse({ rule: nest(5) }).success).toBe(true);
  });
});

describe('shared primitives', () => {
  it('fit their columns and say so', () => {
    expect(Int4().safeParse(2 ** 31).error?.issues[0]?.message).toBe('must be at most 2147483647');
    expect(Int4().safeParse(undefined).error?.issues[0]?.message).toBe('is required');
    expect(Userid.safeParse('x'.repeat(65)).error?.issues[0]?.message).toBe('must be at most 64 bytes (a WeCom userid)');
    expect(Userid.safeParse('鱼'.repeat(22)).success).toBe(false);
    expect(Yuan().safeParse(9_999_999_999.99).success).toBe(true);
    expect(Yuan().safeParse(10_000_000_000).success).toBe(false);
    expect(Yuan().safeParse(1.005).success).toBe(false);
  });
});

describe('asAppError', () => {
  it('maps WeCom failures to a 502 with errcode, api and the checklist hint', () => {
    const ip = asAppError(new WecomError({ api: 'externalcontact/add_corp_tag', errcode: 60020, errmsg: 'not allow to access from your ip' }))!;
    expect(ip.status).toBe(502);
    expect(ip.extra.wecom).toEqual({ errcode: 60020, api: 'externalcontact/add_corp_tag', hint: WECOM_FIXES.trustedIp });
    const net = asAppError(new WecomError({ api: 'gettoken', errcode: -1, errmsg: 'no answer within 10000 ms', kind: 'network' }))!;
    expect(net.message).toBe('WeCom could not be reached (no answer within 10000 ms)');
    expect(net.extra.wecom?.hint).toBe(WECOM_FIXES.network);
    const hints = [48002, 40001, 40014, 42001, 45009].map((errcode) => asAppError(new WecomError({ api: 'x', errcode, errmsg: '' }))!.extra.wecom?.hint);
    expect(hints).toEqual([WECOM_FIXES.appPermission, WECOM_FIXES.secret, WECOM_FIXES.token, WECOM_FIXES.token, WECOM_FIXES.rate]);
  });

  it('maps an argument the WeCom client refused to a 400 on that field', () => {
    const e = asAppError(new WecomArgumentError('addCorpTag', 'tag[0].name', 'must be at most 30 characters'))!;
    expect(e.status).toBe(400);
    expect(e.message).toBe('tag[0].name: must be at most 30 characters');
    expect(asAppError(new Error('x'))).toBeNull();
  });
});
