// Fails when apps/server/src/platform/db/schema.ts changed without a generated migration, or when the migrations'
// snapshots do not form one chain (drizzle-kit refuses to generate then: two snapshots on one parent).
// drizzle-kit exits 0 even on its own errors, so what it prints decides: only "No schema changes" passes.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const server = join(root, 'apps/server');
// drizzle-kit takes --out relative to the working directory (an absolute path is read as ".//tmp/…").
const out = `.migcheck-${process.pid}`;
cpSync(join(server, 'migrations'), join(server, out), { recursive: true });
try {
  const r = spawnSync(join(root, 'node_modules/.bin/drizzle-kit'), ['generate', '--dialect', 'postgresql', '--schema', './src/platform/db/schema.ts', '--out', out, '--name', 'check'],
    { cwd: server, encoding: 'utf8' });
  const said = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || !/No schema changes/.test(said)) {
    console.error(said.trim().split('\n').slice(-15).join('\n'));
    console.error('\nschema.ts and apps/server/migrations disagree (a change without a migration, or snapshots that are not one chain): run `npm run db:generate` and commit apps/server/migrations');
    process.exit(1);
  }
  console.log('migrations match schema.ts');
} finally {
  rmSync(join(server, out), { recursive: true, force: true });
}
