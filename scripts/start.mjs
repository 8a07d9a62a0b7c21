// `npm start [-- args]`: install if needed, build the console if needed, then `pond start`.
// Pond runs as a child process (node with tsx's loader, no tsx CLI in between): signals are passed on,
// this process exits with the child's code once it has shut down, and the child shuts down by itself
// if this process is killed outright (it watches its parent).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { ensureConsoleBuilt, ensureH5Built, ensureInstalled, root } from './ensure.mjs';

const args = process.argv.slice(2);
const cmd = args[0] && !args[0].startsWith('-') ? args : ['start', ...args];
ensureInstalled();
ensureConsoleBuilt();
ensureH5Built();
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/server/src/main.ts'), ...cmd.filter((a) => a !== '--dev')], {
  stdio: 'inherit', cwd: root, env: { ...process.env, POND_WATCH_PARENT: '1' },
});
// Ctrl-C reaches the whole terminal process group, the child included; passing it on again is harmless.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { if (child.exitCode === null) child.kill(sig); });
// npm itself killed outright: stop Pond rather than leave it running.
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent && child.exitCode === null) child.kill('SIGTERM'); }, 500).unref();
child.on('error', (err) => { console.error(`pond: could not start: ${err.message}`); process.exit(1); });
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
