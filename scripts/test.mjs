// `npm test`: install if needed, build the console and the staff pages (browser tests serve them), then the static
// checks — typecheck everything, lint (ESLint, zero warnings), module boundaries, migrations match the schema — run two
// at a time (each is one single-threaded process; their output is printed whole when each ends), then every test with
// vitest. A typecheck or migrations failure stops before the tests; lint and boundaries report at the end, so a lint
// finding never hides the tests' results.
import { execSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ensureConsoleBuilt, ensureH5Built, ensureInstalled, root } from './ensure.mjs';

const env = { ...process.env, NODE_ENV: 'test' };
const bin = (name) => join(root, 'node_modules/.bin', name);
ensureInstalled();
ensureConsoleBuilt();
ensureH5Built();

// What `npm run boundaries` names (packages/*/src), expanded here: the checks run without a shell.
const packagesSrc = readdirSync(join(root, 'packages')).map((p) => `packages/${p}/src`).filter((p) => existsSync(join(root, p)));
const tsc = (project) => [bin('tsc'), '-p', project, '--noEmit'];
// Longest first, so that the two slots end together: lint in two halves (each builds the programs it needs).
const checks = [
  { title: 'lint: console, staff pages, browser tests, benchmarks', cmd: [bin('eslint'), 'apps/console', 'apps/h5', 'e2e', 'bench', '--max-warnings', '0'] },
  { title: 'lint: server, its tests, packages', cmd: [bin('eslint'), 'apps/server', 'packages', 'types', '*.ts', '--max-warnings', '0'] },
  { title: 'typecheck: console', cmd: tsc('apps/console/tsconfig.json'), blocking: true },
  { title: 'typecheck: server tests, browser tests, benchmarks', cmd: tsc('tsconfig.tests.json'), blocking: true },
  { title: 'typecheck: server and packages', cmd: tsc('tsconfig.json'), blocking: true },
  { title: 'typecheck: staff pages', cmd: tsc('apps/h5/tsconfig.json'), blocking: true },
  { title: 'module boundaries', cmd: [bin('depcruise'), 'apps/server/src', ...packagesSrc, 'apps/console/src', 'apps/h5/src', '--config', '.dependency-cruiser.cjs'] },
  { title: 'migrations up to date', cmd: [process.execPath, 'scripts/check-migrations.mjs'], blocking: true },
];

function runCheck(c) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(c.cmd[0], c.cmd.slice(1), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => {
      const secs = ((Date.now() - started) / 1000).toFixed(0);
      console.log(`› ${c.title} (${secs} s)${code === 0 ? '' : ' — FAILED'}`);
      if (out.trim()) console.log(out.trimEnd());
      resolve(code === 0);
    });
  });
}

const failed = [];
const pending = [...checks];
await Promise.all(Array.from({ length: Math.min(2, availableParallelism()) }, async () => {
  for (let c = pending.shift(); c; c = pending.shift()) if (!(await runCheck(c))) failed.push(c);
}));
if (failed.some((c) => c.blocking)) {
  console.log(`failed: ${failed.map((c) => c.title).join(', ')}`);
  process.exit(1);
}

console.log('› tests');
const report = join(root, 'test-results/vitest.json');
let testsFailed = false;
try {
  execSync(`npx vitest run --reporter=default --reporter=json --outputFile.json=${report} ${process.argv.slice(2).join(' ')}`, { cwd: root, stdio: 'inherit', env });
} catch {
  testsFailed = true;
}
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  // The slowest files, so that the suite's time stays visible.
  const files = r.testResults.map((t) => ({ name: t.name.replace(`${root}`, ''), ms: t.endTime - t.startTime })).sort((a, b) => b.ms - a.ms);
  console.log(`slowest files: ${files.slice(0, 8).map((f) => `${f.name} ${(f.ms / 1000).toFixed(0)} s`).join(', ')}`);
}
if (failed.length) console.log(`failed: ${failed.map((c) => c.title).join(', ')}`);
if (testsFailed || failed.length) process.exit(1);
