// Shared by start/test: install dependencies and build the console and the staff pages' bundle (apps/h5)
// when they are missing or stale,
// so that a fresh clone needs only `npm start` / `npm test`. Plain Node, no dependencies.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function ensureInstalled() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules/.package-lock.json');
  if (!existsSync(join(root, 'node_modules/.bin/tsx')) || !existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs) {
    console.log('› installing dependencies (npm install)…');
    execSync('npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
  }
}

export function ensureConsoleBuilt() {
  const dist = join(root, 'apps/console/dist/index.html');
  const src = join(root, 'apps/console/src');
  if (!existsSync(dist) || newest(src) > statSync(dist).mtimeMs) {
    console.log('› building the console (vite build)…');
    execSync('npm run build -w apps/console', { cwd: root, stdio: 'inherit' });
  }
}

/** The staff pages inside WeCom (sidebar, task page): Pond links the files its manifest names. */
export function ensureH5Built() {
  const manifest = join(root, 'apps/h5/dist/.vite/manifest.json');
  const inputs = [join(root, 'apps/h5/src'), join(root, 'apps/h5/vite.config.ts'), join(root, 'apps/h5/package.json')];
  const newestInput = Math.max(...inputs.map((p) => (statSync(p).isDirectory() ? newest(p) : statSync(p).mtimeMs)));
  if (!existsSync(manifest) || newestInput > statSync(manifest).mtimeMs) {
    console.log('› building the staff pages (apps/h5, vite build)…');
    execSync('npm run build -w apps/h5', { cwd: root, stdio: 'inherit' });
  }
}

export { root };
