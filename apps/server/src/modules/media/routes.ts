import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
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
        querystring: z.object({
          kind: z.enum(['image', 'video', 'file'], { message: 'must be image, video or file' }),
          filename: z.string().trim().min(1, 'is required').max(120),
        }),
      },
    }, async (req) => {
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      return deps.media.upload(req.principal!.corpId, { kind: req.query.kind, filename: req.query.filename, contentType: String(req.headers['content-type'] ?? '').split(';')[0]!, data });
    });
  });
  app.get('/api/media', { config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags: ['media'] } }, async (req) => ({ items: await deps.media.list(req.principal!.corpId) }));
}
