// Callback receiver: verify → decrypt → check receive id → parse → insert into the inbox under the
// hash of the plaintext, at the priority the inbox gives it → wake workers → 200 with an empty body. Nothing else
// runs here: WeCom gives 5 s before it retries, and the welcome window (20 s) starts now. What happens to the event
// next: ARCHITECTURE.md "Events".
import { CallbackError, eventKey, openEvent, parseEventXml, readEnvelope, verifyUrl } from '@pond/wecom';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type pg from 'pg';
import type { App } from '../../platform/http';
import type { CorpService } from '../org';
import { InboxWriter, isReread, notifyInbox, priorityOf } from '../../platform/inbox';
import { publicRoute } from '../../platform/access';
import { touchLastCallback } from './repo';

const TAGS = ['callbacks'];

interface Query { msg_signature?: string; timestamp?: string; nonce?: string; echostr?: string }

export async function callbackRoutes(app: App, deps: { pool: pg.Pool; corps: CorpService; onInserted?: () => void }) {
  const { pool, corps } = deps;
  const lastSeen = new Map<string, number>();
  const writer = new InboxWriter(pool);
  // Workers in this process are poked directly; others hear one NOTIFY per burst. A NOTIFY inside
  // every insert would serialise commits on Postgres's notification queue lock.
  let notifyTimer: NodeJS.Timeout | null = null;
  const wake = () => {
    deps.onInserted?.();
    if (notifyTimer) return;
    notifyTimer = setTimeout(() => {
      notifyTimer = null;
      void notifyInbox(pool).catch(() => undefined);
    }, 20);
    notifyTimer.unref();
  };

  await app.register((scope, _opts, registered) => {
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    const findCorp = async (corpIdParam: string | undefined, body?: string) => {
      let corpId = corpIdParam;
      if (!corpId && body) {
        try { corpId = readEnvelope(body).toUserName; } catch { /* handled below */ }
      }
      if (!corpId) {
        const all = await corps.list();
        if (all.length === 1) corpId = all[0].id;
      }
      // An id that is no corp is checked against credentials nobody has: it fails as a wrong signature does (no corp ids to probe).
      return corpId ? corps.getOrDecoy(corpId) : null;
    };

    const verify = async (req: FastifyRequest<{ Params: { corpId?: string }; Querystring: Query }>, reply: FastifyReply) => {
      const found = await findCorp(req.params.corpId);
      if (!found) return reply.status(404).type('text/plain').send('unknown corp');
      const { corp, known } = found;
      try {
        const plain = verifyUrl({ token: corp.callbackToken, encodingAesKey: corp.callbackAesKey, receiveId: corp.id }, req.query);
        if (!known) return reply.status(401).type('text/plain').send('signature or receive id mismatch');
        void corps.markCallbackVerified(corp.id).catch(() => undefined);
        return reply.status(200).type('text/plain').send(plain);
      } catch (err) {
        return replyCallbackError(reply, err);
      }
    };

    const receive = async (req: FastifyRequest<{ Params: { corpId?: string }; Querystring: Query; Body: unknown }>, reply: FastifyReply) => {
      const body = typeof req.body === 'string' ? req.body : '';
      const found = await findCorp(req.params.corpId, body);
      if (!found) return reply.status(404).type('text/plain').send('unknown corp');
      const { corp, known } = found;
      let xml: string;
      let ev: ReturnType<typeof parseEventXml>;
      try {
        xml = openEvent({ token: corp.callbackToken, encodingAesKey: corp.callbackAesKey, receiveId: corp.id }, req.query, body);
        ev = parseEventXml(xml);
      } catch (err) {
        return replyCallbackError(reply, err);
      }
      if (!known) return reply.status(401).type('text/plain').send('signature or receive id mismatch');
      const changed = await writer.write({
        corpId: corp.id, eventKey: eventKey(xml), event: (ev.Event ?? ev.InfoType ?? null) as string | null, changeType: (ev.ChangeType ?? null),
        priority: priorityOf(ev), xml, reread: isReread(ev),
      });
      if (changed) wake();
      const now = Date.now();
      if ((lastSeen.get(corp.id) ?? 0) < now - 60_000) {
        lastSeen.set(corp.id, now);
        void touchLastCallback(pool, corp.id).catch(() => undefined);
      }
      return reply.status(200).type('text/plain').send('');
    };

    const verifying = {
      config: publicRoute('WeCom verifies the URL: msg_signature with the corp token'),
      schema: {
        tags: TAGS, summary: "WeCom's check of the callback URL (接收消息 → 设置API接收)", produces: ['text/plain'],
        description: 'WeCom sends `msg_signature`, `timestamp`, `nonce` and `echostr` (encrypted with the EncodingAESKey). A good '
          + "signature is answered with echostr's plain text (200, text/plain); a wrong signature or receive id with 401, a malformed "
          + 'request with 400, no corp to be found with 404 (plain text). Without `:corpId`, the corp is the only one there is.',
        response: { 200: { description: "echostr's plain text", content: { 'text/plain': { schema: z.string() } } } },
      },
    };
    const receiving = {
      config: publicRoute('WeCom callbacks: msg_signature checked, the body decrypted with the corp AES key'),
      schema: {
        tags: TAGS, summary: "WeCom's events (客户联系, 通讯录, 客户群…)", produces: ['text/plain'],
        description: 'The body is WeCom\'s encrypted XML envelope (`<xml><ToUserName/><Encrypt/>…</xml>`), signed in the query '
          + '(`msg_signature`, `timestamp`, `nonce`). The event is stored in the inbox before the answer: 200 with an empty body. '
          + 'A wrong signature or receive id is a 401, a malformed envelope a 400, no corp to be found a 404 (plain text). '
          + "Without `:corpId`, the corp is the envelope's ToUserName.",
        response: { 200: { description: 'Stored (an empty body)', content: { 'text/plain': { schema: z.literal('') } } } },
      },
    };
    scope.get('/wecom/callback', verifying, verify);
    scope.get('/wecom/callback/:corpId', verifying, verify);
    scope.post('/wecom/callback', receiving, receive);
    scope.post('/wecom/callback/:corpId', receiving, receive);
    registered();
  });
}

function replyCallbackError(reply: FastifyReply, err: unknown) {
  if (err instanceof CallbackError) {
    const status = err.kind === 'signature' || err.kind === 'receive_id' ? 401 : 400;
    return reply.status(status).type('text/plain').send(err.kind === 'malformed' ? `bad request: ${err.message}` : 'signature or receive id mismatch');
  }
  throw err;
}
