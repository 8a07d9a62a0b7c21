// The staff pages' bundle (apps/h5) stays small: pages open inside WeCom on phones, so the first load — the
// entry's script, every chunk it imports statically, and its styles — is under 60 KB gzipped. Built here
// into a scratch directory with the same Vite config as `npm run build -w apps/h5`.
import { CAMPAIGN_KINDS } from '@pond/contracts/activate';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const LIMIT = 60 * 1024;
const h5 = resolve(import.meta.dirname, '../apps/h5');
const out = mkdtempSync(join(tmpdir(), 'pond-h5-'));
/** The Vite that apps/h5 resolves (npm may hoist it or not). */
const viteBin = resolve(dirname(createRequire(join(h5, 'package.json')).resolve('vite/package.json')), 'bin/vite.js');
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Chunk { file: string; css?: string[]; imports?: string[]; dynamicImports?: string[]; isEntry?: boolean }

describe('apps/h5 bundle', () => {
  it('builds; the staff pages\' and every customer page\'s first load are under 60 KB gzipped', () => {
    execFileSync(process.execPath, [viteBin, 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { cwd: h5, stdio: 'pipe' });
    const manifest = JSON.parse(readFileSync(join(out, '.vite/manifest.json'), 'utf8')) as Record<string, Chunk>;
    const entries = Object.entries(manifest).filter(([, c]) => c.isEntry).map(([k]) => k).sort();
    expect(entries).toEqual(['src/customer.tsx', 'src/main.tsx']);
    /** A chunk and what it imports statically, with their styles (dynamic imports load later, when used). */
    const firstLoad = (keys: string[]) => {
      const files = new Set<string>();
      const visit = (key: string) => {
        const c = manifest[key];
        if (files.has(c.file)) return;
        files.add(c.file);
        for (const css of c.css ?? []) files.add(css);
        for (const i of c.imports ?? []) visit(i);
      };
      keys.forEach(visit);
      expect([...files].some((f) => f.endsWith('.js'))).toBe(true);
      expect([...files].some((f) => f.endsWith('.css'))).toBe(true);
      const sizes = [...files].map((f) => ({ f, gz: gzipSync(readFileSync(join(out, f)), { level: 9 }).length }));
      const total = sizes.reduce((n, x) => n + x.gz, 0);
      const js = [...files].filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
      return { total, js, line: `${sizes.map((x) => `${x.f} ${(x.gz / 1024).toFixed(1)} KB`).join(', ')} = ${(total / 1024).toFixed(1)} KB gzipped` };
    };
    const staff = firstLoad(['src/main.tsx']);
    console.log(`apps/h5 staff first load: ${staff.line}`);
    expect(staff.total).toBeLessThan(LIMIT);
    // The official SDK is in it (it is what talks to the client), and no framework heavier than Preact.
    expect(staff.js).toContain('WeixinJSBridge');
    expect(staff.js).not.toMatch(/react-dom|antd/);
    // Customer pages (inside WeChat): the frame and the one kind's page it loads.
    const kinds = manifest['src/customer.tsx'].dynamicImports ?? [];
    // One lazy page per campaign kind, and the fission path's landing page (issue 14).
    expect(kinds.length).toBe(CAMPAIGN_KINDS.length + 1);
    expect(kinds).toContain('src/customer/fission/FissionPage.tsx');
    for (const kind of kinds) {
      const page = firstLoad(['src/customer.tsx', kind]);
      console.log(`apps/h5 customer first load (${kind}): ${page.line}`);
      expect(page.total).toBeLessThan(LIMIT);
      expect(page.js).not.toMatch(/react-dom|antd|WeixinJSBridge/);
    }
  }, 120_000);
});
