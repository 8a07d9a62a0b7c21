// `npm start [-- args]`: install if needed, build the console if needed, then `pond start`.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureConsoleBuilt, ensureInstalled, root } from './ensure.mjs';

const args = process.argv.slice(2);
const cmd = args[0] && !args[0].startsWith('-') ? args : ['start', ...args];
ensureInstalled();
ensureConsoleBuilt();
const child = spawn(join(root, 'node_modules/.bin/tsx'), [join(root, 'apps/server/src/main.ts'), ...cmd.filter((a) => a !== '--dev')], { stdio: 'inherit', cwd: root });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
