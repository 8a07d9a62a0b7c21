// Test harness: a real Postgres schema per test file, the simulator mounted at /sim in a small
// Fastify app, and a fake "Pond" callback receiver on the same app that decrypts with
// @pond/wecom's openEvent. The receiver's behaviour can be switched to failing or hanging.
import Fastify, { type FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import pg from 'pg';
import { openEvent, parseEventXml, verifyUrl, type CallbackEvent } from '@pond/wecom';
import type * as W from '@pond/wecom';
import { createSimulator, type Simulator, type SimulatorOptions } from './simulator';
import type { SimCorp } from './corps';
import { randomId } from './ids';

// The root test run's global setup provides a server (DATABASE_URL or an embedded one); the package's
// own `npm test -w packages/wecom-sim` has no global setup and uses DATABASE_URL or the local server.
declare module 'vitest' {
  export interface ProvidedContext { databaseUrl: string }
}
let provided: string | undefined;
try { provided = inject('databaseUrl'); } catch { provided = undefined; }
export const DATABASE_URL = provided ?? process.env.POND_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type ReceiverMode = 'ok' | 'fail' | 'hang';

export interface Receiver {
  /** Decrypted events; `_attempt` is the delivery number (as a string, like every XML field). */
  events: CallbackEvent[];
  /** Raw deliveries, including retries. */
  deliveries: number;
  mode: ReceiverMode | ((n: number) => ReceiverMode);
  /** What a GET verification answers; default: the decrypted echostr. */
  echo?: (plain: string) => string;
}

/** What each WeCom API answers, as @pond/wecom declares it: tests read the simulator through the client's types. */
export interface WecomApi {
  gettoken: W.GetTokenResponse;
  getcallbackip: W.IpListResponse;
  get_jsapi_ticket: W.TicketResponse;
  'ticket/get': W.TicketResponse;
  'auth/getuserinfo': W.UserInfoByCodeResponse;
  'department/list': W.DepartmentListResponse;
  'user/get': W.UserGetResponse;
  'user/list': W.UserListResponse;
  'user/list_id': W.UserListIdResponse;
  'message/send': W.MessageSendResponse;
  'externalcontact/get_follow_user_list': W.FollowUserListResponse;
  'externalcontact/list': W.ExternalContactListResponse;
  'externalcontact/get': W.GetExternalContactResponse;
  'externalcontact/batch/get_by_user': W.BatchGetByUserResponse;
  'externalcontact/unionid_to_external_userid': W.UnionidToExternalUseridResponse;
  'externalcontact/convert_to_openid': W.ConvertToOpenidResponse;
  'externalcontact/get_corp_tag_list': W.GetCorpTagListResponse;
  'externalcontact/add_corp_tag': W.AddCorpTagResponse;
  'externalcontact/add_contact_way': W.AddContactWayResponse;
  'externalcontact/get_contact_way': W.GetContactWayResponse;
  'externalcontact/list_contact_way': W.ListContactWayResponse;
  'externalcontact/groupchat/add_join_way': W.AddJoinWayResponse;
  'externalcontact/groupchat/get_join_way': W.GetJoinWayResponse;
  'externalcontact/groupchat/list': W.GroupchatListResponse;
  'externalcontact/groupchat/get': W.GroupchatGetResponse;
  'externalcontact/groupchat/statistic': W.GroupchatStatisticResponse;
  'externalcontact/groupchat/statistic_group_by_day': W.GroupchatStatisticGroupByDayResponse;
  'externalcontact/groupchat/transfer': W.GroupchatTransferResponse;
  'externalcontact/groupchat/onjob_transfer': W.GroupchatTransferResponse;
  'externalcontact/group_welcome_template/add': W.GroupWelcomeTemplateAddResponse;
  'externalcontact/group_welcome_template/get': W.GroupWelcomeTemplateGetResponse;
  'externalcontact/add_msg_template': W.AddMsgTemplateResponse;
  'externalcontact/get_groupmsg_list_v2': W.GetGroupmsgListV2Response;
  'externalcontact/get_groupmsg_task': W.GetGroupmsgTaskResponse;
  'externalcontact/get_groupmsg_send_result': W.GetGroupmsgSendResultResponse;
  'externalcontact/add_moment_task': W.AddMomentTaskResponse;
  'externalcontact/get_moment_task_result': W.GetMomentTaskResultResponse;
  'externalcontact/get_moment_list': W.GetMomentListResponse;
  'externalcontact/get_moment_task': W.GetMomentTaskResponse;
  'externalcontact/get_moment_customer_list': W.GetMomentCustomerListResponse;
  'externalcontact/get_moment_send_result': W.GetMomentSendResultResponse;
  'externalcontact/transfer_customer': W.TransferCustomerResponse;
  'externalcontact/transfer_result': W.TransferResultResponse;
  'externalcontact/resigned/transfer_customer': W.TransferCustomerResponse;
  'externalcontact/resigned/transfer_result': W.TransferResultResponse;
  'externalcontact/get_unassigned_list': W.GetUnassignedListResponse;
  'externalcontact/get_user_behavior_data': W.GetUserBehaviorDataResponse;
  'media/upload': W.MediaUploadResponse;
  'media/upload_attachment': W.MediaUploadResponse;
  'media/uploadimg': W.MediaUploadImgResponse;
  'externalcontact/customer_acquisition/create_link': W.CustomerAcquisitionCreateLinkResponse;
  'externalcontact/customer_acquisition/get': W.CustomerAcquisitionGetResponse;
  'externalcontact/customer_acquisition/list_link': W.CustomerAcquisitionListLinkResponse;
  'externalcontact/customer_acquisition/customer': W.CustomerAcquisitionCustomerResponse;
  'externalcontact/customer_acquisition/statistic': W.CustomerAcquisitionStatisticResponse;
  'externalcontact/customer_acquisition_quota': W.CustomerAcquisitionQuotaResponse;
}

/** The answer to `path`: its fields as @pond/wecom types them (for paths it names), with errcode and errmsg always there. */
export type Answer<P extends string> = (P extends keyof WecomApi ? WecomApi[P] : W.WecomResponse) & { errcode: number; errmsg: string };

export interface Harness {
  sim: Simulator;
  app: FastifyInstance;
  baseUrl: string;
  simUrl: string;
  corp: SimCorp;
  receiver: Receiver;
  clock: { now: number };
  api<P extends string>(path: P, opts?: { token?: string | null; query?: Record<string, string>; body?: unknown }): Promise<Answer<P>>;
  token(): Promise<string>;
  close(): Promise<void>;
}

/** Polls until `check` returns a truthy value (no fixed sleeps in tests). */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5000, label = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function startHarness(opts: Partial<SimulatorOptions> = {}, extraRoutes?: (app: FastifyInstance) => void): Promise<Harness> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
  const schema = `wecom_sim_test_${randomId(10, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
  const clock = { now: Date.parse('2026-03-10T02:00:00Z') };
  const sim = await createSimulator({ pool, schema, now: () => clock.now, transferPollMs: 0, ...opts });
  const app = Fastify();
  const receiver: Receiver = { events: [], deliveries: 0, mode: 'ok' };
  const hanging: (() => void)[] = [];
  let corpCreds = { token: '', encodingAesKey: '', receiveId: '' };

  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.get('/pond/callback', async (req, reply) => {
    const plain = verifyUrl(corpCreds, req.query as Record<string, string>);
    return reply.type('text/plain').send(receiver.echo ? receiver.echo(plain) : plain);
  });
  app.post('/pond/callback', async (req, reply) => {
    receiver.deliveries++;
    const n = receiver.deliveries;
    const mode = typeof receiver.mode === 'function' ? receiver.mode(n) : receiver.mode;
    if (mode === 'hang') await new Promise<void>((r) => hanging.push(r));
    if (mode === 'fail') return reply.code(500).send('oops');
    const xml = openEvent(corpCreds, req.query as Record<string, string>, req.body as string);
    receiver.events.push({ ...parseEventXml(xml), _attempt: String(n) });
    return reply.code(200).send('');
  });
  extraRoutes?.(app);
  await app.register(sim.plugin, { prefix: '/sim' });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const simUrl = `${baseUrl}/sim`;
  const corp = await sim.control.upsertCorp({
    corpId: 'wwtestcorp',
    name: '测试企业',
    secret: 'test-secret',
    agentId: 1000002,
    token: 'testtoken',
    encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    callbackUrl: `${baseUrl}/pond/callback`,
  });
  corpCreds = { token: corp.token, encodingAesKey: corp.encodingAesKey, receiveId: corp.corpId };

  const call = async <P extends string>(path: P, token: string | null, o: { query?: Record<string, string>; body?: unknown }) => {
    const url = new URL(`${simUrl}/cgi-bin/${path}`);
    if (token) url.searchParams.set('access_token', token);
    for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
    const res = await fetch(url, o.body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(o.body) });
    // The simulator answers WeCom's JSON; the client's types say what it holds.
    return (await res.json()) as Answer<P>;
  };
  // Like a real client: with the harness's own token, refresh once on 40001/40014/42001.
  const api: Harness['api'] = async (path, o = {}) => {
    if (o.token !== undefined) return call(path, o.token, o);
    const first = await call(path, await harness.token(), o);
    if (![40001, 40014, 42001].includes(first.errcode)) return first;
    cachedToken = null;
    return call(path, await harness.token(), o);
  };
  let cachedToken: string | null = null;
  const harness: Harness = {
    sim,
    app,
    baseUrl,
    simUrl,
    corp,
    receiver,
    clock,
    api,
    async token() {
      if (!cachedToken) {
        const r = await call('gettoken', null, { query: { corpid: corp.corpId, corpsecret: corp.secret } });
        if (r.errcode !== 0) throw new Error(`gettoken failed: ${r.errmsg}`);
        cachedToken = r.access_token;
      }
      return cachedToken;
    },
    async close() {
      for (const r of hanging) r();
      await sim.close();
      await app.close();
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
  return harness;
}
