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
import { byteRange, MEDIA_CSP, servedAs } from './serve';
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

  const file = { 'application/octet-stream': { schema: z.instanceof(Buffer).meta({ type: 'string', format: 'binary' }) } };
  const empty = { 'text/plain': { schema: z.literal('') } };
  app.get('/api/archive/messages/:id/media', {
    config: access(ALL_ROLES, { scope: 'filtered' }),
    schema: {
      tags, params: IdParams,
      summary: "An archived message's file (image, voice, video, file, emotion) as downloaded, to whoever may see the message",
      description: 'Raster images (PNG, JPEG, GIF, WebP), audio and video come `inline`; anything else (SVG, HTML, PDF, documents…) '
        + 'as an `attachment`, markup and script types as application/octet-stream. nosniff and a sandboxing CSP on every answer; '
        + '`cache-control: private, no-cache` with an ETag (revalidated, so access is checked again); one byte range per request (206).',
      produces: ['application/octet-stream'],
      response: {
        200: { description: 'The file, with its content type and Content-Disposition (the original file name)', content: file },
        206: { description: 'The byte range asked for (`Range: bytes=…`)', content: file },
        304: { description: 'Not modified (`If-None-Match` named the ETag): an empty body', content: empty },
        416: { description: 'The range is outside the file (`content-range: bytes */<size>`): an empty body', content: empty },
      },
    },
  }, async (req, reply) => {
    const f = await archive.media(req.scope, req.params.id);
    const served = servedAs(f);
    reply
      .header('content-type', served.contentType)
      .header('content-disposition', served.disposition)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', MEDIA_CSP)
      .header('cross-origin-resource-policy', 'same-origin')
      // Each use asks again (a 304 when unchanged): a browser shared after sign-out, or a narrowed scope, shows nothing from its cache.
      .header('cache-control', 'private, no-cache')
      .header('etag', f.etag)
      .header('accept-ranges', 'bytes');
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === f.etag)) return reply.code(304).send();
    // A range of another version of the file (If-Range) is not this one's: the whole file then.
    const ifRange = req.headers['if-range'];
    const range = ifRange && ifRange !== f.etag ? null : byteRange(req.headers.range, f.size);
    if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${f.size}`).send('');
    if (range) {
      const length = range.end - range.start + 1;
      return reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${f.size}`).send(await f.bytes({ from: range.start, length }));
    }
    return reply.send(await f.bytes());
  });
}
