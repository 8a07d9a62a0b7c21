// Security headers on every response, by the kind of page (one table, computed once at boot: the scan
// path pays a few header assignments). The console and the API may not be framed; the chat sidebar must
// be, by WeCom's client; customer pages (/l/) open in WeChat's in-app browser and carry no inline script
// except the ones whose hashes are listed; the simulator's demo pages keep their inline scripts.
import { createHash } from 'node:crypto';
import type { App } from './app-type';

export type PageKind = 'api' | 'console' | 'docs' | 'landing' | 'sidebar' | 'customer' | 'sim';

/** The origins WeCom's clients frame the chat sidebar from and serve the JS-SDK from. */
export const WECOM_ORIGINS = ['https://*.qq.com'];

export const cspHash = (source: string) => `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;

/** Hashes of the inline scripts and styles customer pages may run (landing.ts registers its own). */
const landingInline = { scripts: new Set<string>(), styles: new Set<string>() };
export function allowLandingInline(kind: 'script' | 'style', source: string): void {
  (kind === 'script' ? landingInline.scripts : landingInline.styles).add(cspHash(source));
}

const csp = (d: Record<string, string>) => Object.entries(d).map(([k, v]) => `${k} ${v}`).join('; ');

export function sidebarCsp(extraOrigins: string[] = []): string {
  const origins = [...new Set(extraOrigins)].join(' ');
  return csp({
    'default-src': "'self'",
    'script-src': `'self' ${WECOM_ORIGINS.join(' ')} ${origins}`.trim(),
    // The pages render with style attributes; sign-in notices carry a small <style>.
    'style-src': "'self' 'unsafe-inline'",
    'img-src': '* data: blob:',
    'connect-src': "'self'",
    'object-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'self'",
    'frame-ancestors': `'self' ${WECOM_ORIGINS.join(' ')} ${origins}`.trim(),
  });
}

function policies(): Record<PageKind, Record<string, string>> {
  const common = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'strict-origin-when-cross-origin' };
  const noFrames = { 'x-frame-options': 'DENY' };
  return {
    api: { ...common, ...noFrames, 'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" },
    console: {
      ...common, ...noFrames, 'cross-origin-opener-policy': 'same-origin',
      'content-security-policy': csp({
        'default-src': "'self'", 'script-src': "'self'",
        // Ant Design writes its styles into <style> elements at run time.
        'style-src': "'self' 'unsafe-inline'",
        'img-src': '* data: blob:', 'font-src': "'self' data:", 'connect-src': "'self'", 'worker-src': "'self' blob:",
        'object-src': "'none'", 'base-uri': "'self'", 'form-action': "'self'", 'frame-ancestors': "'none'",
      }),
    },
    docs: {
      ...common, ...noFrames,
      'content-security-policy': csp({
        'default-src': "'self'", 'script-src': "'self'", 'style-src': "'self' 'unsafe-inline'", 'img-src': "'self' data:",
        'object-src': "'none'", 'base-uri': "'self'", 'frame-ancestors': "'none'",
      }),
    },
    landing: {
      ...common,
      'content-security-policy': csp({
        'default-src': "'none'",
        'script-src': [...landingInline.scripts].join(' ') || "'none'",
        'style-src': [...landingInline.styles].join(' ') || "'none'",
        // Staff avatars and contact-way QR codes are WeCom's images (the simulator's in demo).
        'img-src': '* data:',
        'connect-src': "'self'",
        'base-uri': "'none'",
        'form-action': "'self'",
      }),
    },
    sidebar: { ...common, 'content-security-policy': sidebarCsp() },
    // Campaign pages customers open inside WeChat (/c/): the apps/h5 customer bundle, its API on the same origin.
    customer: {
      ...common, ...noFrames,
      'content-security-policy': csp({
        'default-src': "'self'", 'script-src': "'self'", 'style-src': "'self' 'unsafe-inline'", 'img-src': '* data: blob:',
        'connect-src': "'self'", 'object-src': "'none'", 'base-uri': "'none'", 'form-action': "'self'", 'frame-ancestors': "'none'",
      }),
    },
    sim: {
      ...common,
      'content-security-policy': csp({
        'default-src': "'self'", 'script-src': "'self' 'unsafe-inline'", 'style-src': "'self' 'unsafe-inline'",
        'img-src': '* data: blob:', 'connect-src': "'self'",
        // The mock WeCom client frames whatever chat sidebar URL the corp has.
        'frame-src': "'self' http: https:",
        'object-src': "'none'", 'base-uri': "'self'", 'frame-ancestors': "'self'",
      }),
    },
  };
}

export function pageKind(url: string): PageKind {
  if (url.startsWith('/api/') || url.startsWith('/wecom/') || url.startsWith('/webhooks/') || url.startsWith('/healthz')) return 'api';
  if (url.startsWith('/l/')) return 'landing';
  if (url.startsWith('/c/api/')) return 'api';
  if (url.startsWith('/c/')) return 'customer';
  // The staff pages inside WeCom: the chat sidebar and the task page.
  if (url.startsWith('/sidebar/') || url === '/sidebar' || url.startsWith('/tasks/')) return 'sidebar';
  if (url.startsWith('/sim/') || url === '/sim') return 'sim';
  if (url.startsWith('/docs')) return 'docs';
  return 'console';
}

/**
 * Adds the headers to every response. Routes registered later may replace one (the sidebar sets its
 * corp's origins). HSTS only when the public URL is https: on plain http it would be ignored, and a
 * demo on localhost must not pin the browser to https.
 */
export function securityHeaders(app: App, opts: { https: boolean }): void {
  let table: Record<PageKind, Record<string, string>> | null = null;
  const hsts = opts.https ? { 'strict-transport-security': 'max-age=31536000' } : {};
  app.addHook('onRequest', async (req, reply) => {
    // Built on first use: by then every page has registered its inline hashes.
    table ??= Object.fromEntries(Object.entries(policies()).map(([k, v]) => [k, { ...v, ...hsts }])) as Record<PageKind, Record<string, string>>;
    reply.headers(table[pageKind(req.url)]);
  });
}
