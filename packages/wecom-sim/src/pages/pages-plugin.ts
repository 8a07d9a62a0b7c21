// Browser-facing pages: the phone view, the QR pages, acquisition links' pages, uploaded images, WeChat OAuth, and the
// simulated WeCom client (member OAuth, chat frame with the sidebar, JS-SDK shim, the JS bridge and app pages).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimContext } from '../context';
import type { SimControl } from '../control';
import { loadMedia } from '../media';
import { registerPhone } from './phone';
import { registerQrPages } from './qr-pages';
import { registerLinkPages } from './link-pages';
import { registerWechatOauth } from './wechat-oauth';
import { registerWecomApp } from './wecom-app';
import { registerWecomClient } from './wecom-client';
import { registerWecomOauth } from './wecom-oauth';
import { registerWecomTasks } from './wecom-tasks';
import { registerPhoneSocial } from './phone-social';

export function registerPages(app: FastifyInstance, ctx: SimContext, control: SimControl, base: (req: FastifyRequest) => string): void {
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
  }
  registerQrPages(app, ctx, control, base);
  registerLinkPages(app, ctx, control, base);
  registerPhone(app, ctx, control, base);
  registerWechatOauth(app, ctx);
  registerWecomOauth(app, ctx);
  registerWecomClient(app, ctx, base);
  registerWecomApp(app, ctx, base);
  registerWecomTasks(app, ctx, base);
  registerPhoneSocial(app, ctx, control, base);
  app.get('/media/:mediaId', async (req: FastifyRequest<{ Params: { mediaId: string } }>, reply) => {
    const m = await loadMedia(ctx, req.params.mediaId);
    if (!m) return reply.code(404).type('text/plain').send('no such media');
    return reply.type(m.contentType).header('cache-control', 'public, max-age=86400').send(m.bytes);
  });
}
