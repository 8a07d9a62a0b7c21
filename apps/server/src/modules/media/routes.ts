import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { MediaAsset, MediaAssetList, MediaUploadQuery } from '@pond/contracts/media';
import type { App } from '../../platform/http';
import { MEDIA_LIMITS, type MediaService } from './service';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

export async function mediaRoutes(app: App, deps: { media: MediaService }) {
  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    // The file is the request body (Content-Type: the file's type), so no multipart parser is needed.
    scope.addContentTypeParser(['image/png', 'image/jpeg', 'video/mp4', 'application/octet-stream', 'application/pdf'],
      { parseAs: 'buffer', bodyLimit: MEDIA_LIMITS.file + 1 }, (_req, body, done) => done(null, body));
    scope.post('/api/media', {
      config: access(WRITE_ROLES), schema: {
        tags: ['media'], summary: 'Upload an image (→ permanent pic_url), video or file (→ media_id, refreshed before it expires)',
        description: 'The request body is the file itself, sent with its own Content-Type (image/png, image/jpeg, video/mp4, application/pdf or application/octet-stream).',
        querystring: MediaUploadQuery,
        response: { 200: MediaAsset },
      },
    }, async (req) => {
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      return deps.media.upload(req.principal!.corpId, { kind: req.query.kind, filename: req.query.filename, contentType: String(req.headers['content-type'] ?? '').split(';')[0], data });
    });
  });
  app.get('/api/media', {
    config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags: ['media'], summary: 'The latest 200 uploads', response: { 200: MediaAssetList } },
  }, async (req) => ({ items: await deps.media.list(req.principal!.corpId) }));
}
