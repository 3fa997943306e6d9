/**
 * `npm run bench:bundles`: every Lambda bundle the stack deploys, built with lib/'s esbuild options twice, with the
 * AWS SDK bundled and with `@aws-sdk/*` left to the runtime: bytes (the SDK's share from esbuild's metafile, the rest
 * against the 200 KiB budget, and the rest's largest packages) and module init time, the median of cold `node`
 * imports taken in turns so that a busy machine slows both builds alike. One JSON line per function.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '../lib/constructs/bundling.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const BUDGET_KIB = 200;
/** Packages that are the AWS SDK or are there only for it. */
const SDK_PACKAGE =
  /node_modules\/(@aws-sdk|@smithy|@aws-crypto|@aws\/lambda-invoke-store|fast-xml-parser|strnum|bowser)\//;
const WAYS = ['bundled', 'external'] as const;
/** What NodejsFunction leaves to the runtime unless told to bundle the SDK. */
const SDK_EXTERNAL = ['@aws-sdk/*'];
type Way = (typeof WAYS)[number];

const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const packageOf = (path: string) =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? (path.startsWith('lambdas/') ? 'lambdas' : path);

/** A cold import of the file in a fresh `node`: wall and CPU milliseconds (what Lambda's init phase spends on it). */
function importOnce(file: string): { wallMs: number; cpuMs: number } {
  const script =
    'const t = performance.now(); const c = process.cpuUsage();' +
    `await import(${JSON.stringify(file)});` +
    'const u = process.cpuUsage(c); console.log(JSON.stringify({ wallMs: performance.now() - t, cpuMs: (u.user + u.system) / 1000 }));';
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script]).toString());
}

/** esbuild's bytes in the output: the SDK's, the rest, and the rest's five largest packages. */
function split(metafile: Metafile, output: string) {
  let sdk = 0;
  let rest = 0;
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(metafile.outputs[output]?.inputs ?? {}))
    if (SDK_PACKAGE.test(path)) sdk += bytesInOutput;
    else {
      rest += bytesInOutput;
      byPackage.set(packageOf(path), (byPackage.get(packageOf(path)) ?? 0) + bytesInOutput);
    }
  const largest = Object.fromEntries(
    [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name, bytes]) => [name, kib(bytes)]),
  );
  return { sdkKiB: kib(sdk), restKiB: kib(rest), withinBudget: rest / 1024 <= BUDGET_KIB, largest };
}

export async function measureBundles(out: string) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // the stack deploys every file of lambdas/handlers/ as a function of its own
  const handlers = readdirSync('lambdas/handlers').map((file) => file.replace(/\.ts$/, ''));
  const bundles: { handler: string; way: Way; file: string; sizes: Record<string, unknown> }[] = [];
  for (const handler of handlers)
    for (const way of WAYS) {
      const file = resolve(out, `${handler}-${way}.mjs`);
      // lib/constructs/functions.ts's NodejsFunction options; the source map is a file of its own and left out
      const { metafile } = await build({
        entryPoints: [`lambdas/handlers/${handler}.ts`],
        bundle: true,
        minify: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        outfile: file,
        external: way === 'external' ? SDK_EXTERNAL : [],
        banner: { js: ESM_REQUIRE_BANNER },
        metafile: true,
        logLevel: 'silent',
      });
      const sizes = {
        bundleKiB: kib(statSync(file).size),
        // about what the deployment package's zip holds for it, which Lambda fetches on a cold start
        zippedKiB: kib(deflateRawSync(readFileSync(file)).length),
        ...split(metafile, relative(process.cwd(), file)),
      };
      bundles.push({ handler, way, file, sizes });
    }
  const timings = new Map(bundles.map((b) => [b.file, [] as { wallMs: number; cpuMs: number }[]]));
  for (let run = 0; run < RUNS; run++) for (const b of bundles) timings.get(b.file)!.push(importOnce(b.file));
  return handlers.map((handler) =>
    Object.fromEntries([
      ['handler', handler],
      ...bundles
        .filter((b) => b.handler === handler)
        .map((b) => {
          const runs = timings.get(b.file)!;
          const initMs = { wall: median(runs.map((r) => r.wallMs)), cpu: median(runs.map((r) => r.cpuMs)) };
          return [
            b.way,
            { ...b.sizes, initWallMs: Math.round(initMs.wall), initCpuMs: Math.round(initMs.cpu) },
          ];
        }),
    ]),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // inside the repository, so that an external `@aws-sdk/*` resolves to the pinned SDK in node_modules, as the
  // runtime's own copy resolves from its own node_modules in Lambda
  const out = resolve('bench/.bundles');
  const rows = await measureBundles(out);
  rmSync(out, { recursive: true, force: true });
  console.log(`node ${process.version}, median of ${RUNS} imports each`);
  for (const row of rows) console.log(JSON.stringify(row));
}
