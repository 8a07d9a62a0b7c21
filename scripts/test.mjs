// `npm test`: install if needed, build the console (browser tests serve it), typecheck everything,
// check that migrations match the schema, then run every test with vitest.
import { execSync } from 'node:child_process';
import { ensureConsoleBuilt, ensureInstalled, root } from './ensure.mjs';

const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
ensureInstalled();
ensureConsoleBuilt();
console.log('› typecheck');
run('npx tsc -p tsconfig.json --noEmit');
run('npm run typecheck -w apps/console');
console.log('› migrations up to date');
run('node scripts/check-migrations.mjs');
console.log('› tests');
run(`npx vitest run ${process.argv.slice(2).join(' ')}`);
