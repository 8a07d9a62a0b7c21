// Fails when apps/server/src/platform/db/schema.ts changed without a generated migration.
import { execSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const server = join(root, 'apps/server');
const tmp = mkdtempSync(join(tmpdir(), 'pond-mig-'));
cpSync(join(server, 'migrations'), tmp, { recursive: true });
const before = readdirSync(tmp).length;
execSync(`${join(root, 'node_modules/.bin/drizzle-kit')} generate --dialect postgresql --schema ./src/platform/db/schema.ts --out ${tmp} --name check`, { cwd: server, stdio: 'pipe' });
const after = readdirSync(tmp).length;
rmSync(tmp, { recursive: true, force: true });
if (after !== before) {
  console.error('schema.ts has changes without a migration: run `npm run db:generate` and commit apps/server/migrations');
  process.exit(1);
}
console.log('migrations match schema.ts');
