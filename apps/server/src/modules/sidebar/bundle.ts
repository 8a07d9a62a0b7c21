// The staff pages' bundle (apps/h5, built by Vite): its files are served under /h5/ and each page links
// the entry's script and styles by the build manifest. A rebuild while Pond runs is picked up (the manifest
// is re-read when it changes); hashed names are cached for a year.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/http';
import { publicRoute } from '../../platform/access';

export const H5_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../h5/dist');
/** The staff pages' entry and the customer pages' (campaigns inside WeChat: no JS-SDK, lazy per kind). */
export const STAFF_ENTRY = 'src/main.tsx';
export const CUSTOMER_ENTRY = 'src/customer.tsx';
const TYPES: Record<string, string> = { '.js': 'application/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };
/** Vite's output names: `<name>-<hash>.<ext>`, no directories. */
const ASSET_NAME = /^[\w-]+\.(js|css|map)$/;

export interface BundleFiles {
  js: string;
  css: string[];
}

interface ManifestChunk {
  file: string;
  css?: string[];
  isEntry?: boolean;
}

export class H5Bundle {
  private cache: { mtimeMs: number; manifest: Record<string, ManifestChunk> } | null = null;

  constructor(readonly dist = H5_DIST) {}

  /** The entry's script and styles as URLs, or null when the bundle is not built. */
  files(entryName = STAFF_ENTRY): BundleFiles | null {
    const path = resolve(this.dist, '.vite/manifest.json');
    if (!existsSync(path)) return null;
    const { mtimeMs } = statSync(path);
    if (this.cache?.mtimeMs !== mtimeMs) this.cache = { mtimeMs, manifest: JSON.parse(readFileSync(path, 'utf8')) as Record<string, ManifestChunk> };
    const entry = this.cache.manifest[entryName];
    if (!entry) throw new Error(`apps/h5: the build manifest has no ${entryName}`);
    return { js: `/h5/${entry.file}`, css: (entry.css ?? []).map((f) => `/h5/${f}`) };
  }

  /** /h5/assets/<file>: the built files, by their hashed names. */
  serve(app: App): void {
    app.get('/h5/assets/:file', {
      config: publicRoute('the staff pages\' script and styles (no data)'),
      schema: { hide: true, summary: "The staff pages' bundle files (apps/h5), cached for a year under their hashed names" },
    }, async (req: FastifyRequest<{ Params: { file: string } }>, reply) => {
      const { file } = req.params;
      const path = resolve(this.dist, 'assets', file);
      if (!ASSET_NAME.test(file) || !existsSync(path)) {
        return reply.code(404).send({ error: { code: 'not_found', message: `GET /h5/assets/${file} not found` } });
      }
      return reply.type(TYPES[extname(file)]).header('cache-control', 'public, max-age=31536000, immutable').send(createReadStream(path));
    });
  }
}
