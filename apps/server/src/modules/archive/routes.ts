// The chat archive's routes: settings (admins: secrets and keys go in, never come out), a manual pull, search, and
// the messages of a customer (360) and of a group — the reads open to every role, narrowed by scope.
import { ArchiveMessageList, ArchivePageQuery, ArchivePullResult, ArchiveSearchQuery, ArchiveSettings, ArchiveSettingsBody } from '@pond/contracts/archive';
import { CustomerParams } from '@pond/contracts/customers';
import { z } from 'zod';
import { IdParams } from '@pond/contracts/common';
import { GroupParams } from '@pond/contracts/groups';
import type { App } from '../../platform/http';
import { access, ADMIN_ONLY, ALL_ROLES } from '../../platform/access';
import type { ArchiveIngest } from './ingest';
import type { ArchiveService } from './service';
import type { ArchiveSettingsService } from './settings';

const tags = ['archive'];

export function archiveRoutes(app: App, deps: { archive: ArchiveService; settings: ArchiveSettingsService; ingest: ArchiveIngest }) {
  const { archive, settings, ingest } = deps;

  app.get('/api/archive/settings', {
    config: access(ADMIN_ONLY),
    schema: { tags, summary: 'Chat archive settings (sidecar, whether the secret and keys are set, retention) and the ingest cursor', response: { 200: ArchiveSettings } },
  }, (req) => settings.view(req.principal!.corpId));

  app.put('/api/archive/settings', {
    config: { ...access(ADMIN_ONLY), audit: { action: 'archive_settings.update' } },
    schema: { tags, summary: 'Change the chat archive settings (a field left out keeps its value; null clears it)', body: ArchiveSettingsBody, response: { 200: ArchiveSettings } },
  }, (req) => settings.update(req.principal!.corpId, req.body, req.principal!.name ?? null));

  app.post('/api/archive/pull', {
    config: { ...access(ADMIN_ONLY), audit: { action: 'archive.pull' } },
    schema: { tags, summary: 'Pull new archive messages now (batches back to back while full; the background pull does the same)', response: { 200: ArchivePullResult } },
  }, async (req) => {
    const r = await ingest.pullAll(req.principal!.corpId, 20_000);
    return { pulled: r.pulled, stored: r.stored, skippedNoConsent: r.skippedNoConsent, seq: r.seq };
  });

  app.get('/api/archive/messages', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { chatId: 'group', externalUserid: 'customer', userid: 'staff' } }),
    schema: { tags, summary: 'Search archived messages (Chinese words segmented like the stored text), newest first', querystring: ArchiveSearchQuery, response: { 200: ArchiveMessageList } },
  }, (req) => archive.search(req.scope, req.query));

  app.get('/api/customers/:externalUserid/messages', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }),
    schema: { tags, summary: "The customer's archived messages (1:1 and their lines in groups) the caller may see, newest first", params: CustomerParams, querystring: ArchivePageQuery, response: { 200: ArchiveMessageList } },
  }, (req) => archive.ofCustomer(req.scope, req.params.externalUserid, req.query));

  app.get('/api/groups/:chatId/messages', {
    config: access(ALL_ROLES, { params: { chatId: 'group' } }),
    schema: { tags, summary: "The group's archived messages, newest first", params: GroupParams, querystring: ArchivePageQuery, response: { 200: ArchiveMessageList } },
  }, (req) => archive.ofGroup(req.scope, req.params.chatId, req.query));

  app.get('/api/archive/messages/:id/media', {
    config: access(ALL_ROLES, { scope: 'filtered' }),
    schema: {
      tags, summary: "An archived message's file (image, voice, video, file) as downloaded, to whoever may see the message", params: IdParams,
      produces: ['application/octet-stream'],
      response: { 200: { description: 'The file, with its content type', content: { 'application/octet-stream': { schema: z.instanceof(Buffer).meta({ type: 'string', format: 'binary' }) } } } },
    },
  }, async (req, reply) => {
    const f = await archive.media(req.scope, req.params.id);
    const name = encodeURIComponent(f.filename ?? `message-${req.params.id}`);
    return reply.type(f.contentType).header('cache-control', 'private, max-age=86400').header('content-disposition', `inline; filename*=UTF-8''${name}`).send(f.bytes);
  });
}
