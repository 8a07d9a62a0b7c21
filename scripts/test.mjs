// `npm test`: install if needed, build the console (browser tests serve it), typecheck everything, lint
// (ESLint, zero warnings), check module boundaries and that migrations match the schema, then run every test
// with vitest.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureConsoleBuilt, ensureInstalled, root } from './ensure.mjs';

const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
ensureInstalled();
ensureConsoleBuilt();
console.log('› typecheck');
run('npm run typecheck');
console.log('› lint');
run('npm run lint');
console.log('› module boundaries');
run('npm run boundaries');
console.log('› migrations up to date');
run('node scripts/check-migrations.mjs');
console.log('› tests');
const report = join(root, 'test-results/vitest.json');
let failed = false;
try {
  run(`npx vitest run --reporter=default --reporter=json --outputFile.json=${report} ${process.argv.slice(2).join(' ')}`);
} catch {
  failed = true;
}
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
}
if (failed) process.exit(1);
