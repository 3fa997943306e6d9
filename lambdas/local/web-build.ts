import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The checkout: the web sources are in web/, built into web/dist/ (`npm run build`). */
const ROOT = resolve(import.meta.dirname, '../..');
const DIST = 'web/dist';
export const WEB_DIST = resolve(ROOT, DIST);
const VITE_CONFIG = 'web/vite.config.ts';

type BuildOutcome =
  | { kind: 'present' }
  | { kind: 'built'; ms: number }
  | { kind: 'no-sources' }
  | { kind: 'failed'; output: string };

/** Whether the folder holds a build of both pages. */
export const isBuilt = (distDir: string): boolean =>
  existsSync(resolve(distDir, 'index.html')) && existsSync(resolve(distDir, 'track.html'));

/**
 * The pages as `npm start` serves them: built once with Vite when web/dist holds no build (a fresh checkout), never
 * rebuilt when it does (`npm run build` does that). Vite's own output is shown only when the build fails. `root`: the
 * checkout (another one in tests).
 */
export async function ensureWebBuilt(log: (line: string) => void, root = ROOT): Promise<BuildOutcome> {
  const dist = resolve(root, DIST);
  if (isBuilt(dist)) return { kind: 'present' };
  if (!existsSync(resolve(root, VITE_CONFIG))) return { kind: 'no-sources' };
  log(`building the web pages (web/dist has none): vite build --config ${VITE_CONFIG}`);
  const started = Date.now();
  const vite = resolve(root, 'node_modules/.bin/vite');
  const child = spawn(vite, ['build', '--config', VITE_CONFIG], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => {
    child.once('error', (error) => {
      output += String(error);
      done(null);
    });
    child.once('exit', done);
  });
  if (code !== 0 || !isBuilt(dist)) return { kind: 'failed', output: output.slice(-4000) };
  return { kind: 'built', ms: Date.now() - started };
}
