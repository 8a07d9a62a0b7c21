// `npm test`: install if needed, build the console and the staff pages (browser tests serve them), typecheck everything, lint
// (ESLint, zero warnings), check module boundaries and that migrations match the schema, then run every test
// with vitest.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureConsoleBuilt, ensureH5Built, ensureInstalled, root } from './ensure.mjs';

const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
ensureInstalled();
ensureConsoleBuilt();
ensureH5Built();
console.log('› typecheck');
run('npm run typecheck');
// Lint and the boundary check report at the end, so a lint finding never hides the tests' results.
const late = [];
for (const [title, cmd] of [['lint', 'npm run lint'], ['module boundaries', 'npm run boundaries']]) {
  console.log(`› ${title}`);
  try { run(cmd); } catch { late.push(title); }
}
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
if (late.length) console.log(`failed: ${late.join(', ')}`);
if (failed || late.length) process.exit(1);
