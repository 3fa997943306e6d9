/**
 * `npm run bench:bundles`: every Lambda bundle the stack deploys, built with lib/'s esbuild options twice, with the
 * AWS SDK bundled (as deployed) and with `@aws-sdk/*` left to the runtime: bytes (the SDK's share from esbuild's
 * metafile, the rest against its budget, and the rest's largest packages) and module init, the median CPU time of
 * cold `node` imports taken in turns, beside the same for a bundle of the SDK clients that function imports and
 * nothing else. `--check` builds only, and exits non-zero when a bundle's rest exceeds its ceiling (CI runs it).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_CHARSET, ESM_REQUIRE_BANNER } from '../lib/constructs/bundling.js';

/** What each bundle's own code and libraries (all but the AWS SDK) should stay within. */
export const BUDGET_KIB = 200;
/**
 * The line CI holds until every function meets the budget: each bundle as measured, with a few KiB to spare, so that
 * none grows unnoticed. What keeps them over 200 KiB, as measured: Powertools (its logger and metrics, about 35 KiB in
 * every function; idempotency with the JMESPath it brings, about 41 KiB more in those that take an Idempotency-Key),
 * zod/mini (35-38 KiB), the message catalogues (about 28 KiB), and each family's own code (100-165 KiB). The public
 * function is under the budget since it reads the OpenAPI document the stack builds at synth instead of building it.
 */
const CEILING_KIB: Readonly<Record<string, number>> = {
  admin: 229,
  attachments: 219,
  cases: 281,
  city: 275,
  grids: 252,
  me: 246,
  meetings: 216,
  open311: 222,
  privacy: 248,
  public: 161,
  reception: 252,
  reports: 222,
  'town-schedule': 212,
  'post-confirmation': 10,
  'pre-token': 10,
};
/** A function's module init at most this many times that of the SDK clients it imports, alone. */
export const INIT_RATIO_GOAL = 1.15;

/** Packages that are the AWS SDK or are there only for it. */
const SDK_PACKAGE =
  /node_modules\/(@aws-sdk|@smithy|@aws-crypto|@aws\/lambda-invoke-store|fast-xml-parser|strnum|bowser)\//;
const WAYS = ['bundled', 'external'] as const;
/** What NodejsFunction leaves to the runtime unless told to bundle the SDK. */
const SDK_EXTERNAL = ['@aws-sdk/*'];
export type Way = (typeof WAYS)[number];

const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const packageOf = (path: string) =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? (path.startsWith('lambdas/') ? 'lambdas' : path);

export const ceilingOf = (handler: string): number => CEILING_KIB[handler] ?? BUDGET_KIB;

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
  return { sdkKiB: kib(sdk), restKiB: kib(rest), largest };
}

/** The `@aws-sdk/*` packages a bundle's own code imports (not those the SDK imports itself). */
const sdkPackagesOf = (metafile: Metafile): string[] =>
  [
    ...new Set(
      Object.entries(metafile.inputs)
        .filter(([path]) => !SDK_PACKAGE.test(path))
        .flatMap(([, input]) => input.imports.map((i) => i.original ?? i.path))
        .filter((name) => name.startsWith('@aws-sdk/')),
    ),
  ].sort();

/**
 * In one fresh `node`: the CPU time of importing the SDK packages the function imports, then of importing its bundle
 * built with those left external (so the SDK is loaded already): the function's own init, the SDK's apart.
 */
function ownInitOnce(
  packages: readonly string[],
  externalFile: string,
): { sdkCpuMs: number; ownCpuMs: number } {
  const script =
    'const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };' +
    `const a = cpu(); for (const p of ${JSON.stringify(packages)}) await import(p); const b = cpu();` +
    `await import(${JSON.stringify(externalFile)});` +
    'console.log(JSON.stringify({ sdkCpuMs: b - a, ownCpuMs: cpu() - b }));';
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script]).toString());
}

/** lib/constructs/functions.ts's NodejsFunction options; the source map is a file of its own and left out. */
export const bundleFunction = (entry: string, outfile: string, way: Way) =>
  build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    external: way === 'external' ? SDK_EXTERNAL : [],
    banner: { js: ESM_REQUIRE_BANNER },
    charset: BUNDLE_CHARSET,
    metafile: true,
    logLevel: 'silent',
  });

/**
 * Not deployed: one route on the HTTP layer every family shares, with and without idempotency (bench/floor/), built and
 * timed as the functions are, so that each run shows what no family goes below while it keeps that layer.
 */
const FLOORS: Readonly<Record<string, string>> = {
  'floor-writing': 'bench/floor/writing.ts',
  'floor-reading': 'bench/floor/reading.ts',
};

export interface BundleRow {
  handler: string;
  /** A floor (bench/floor/), not a deployed function: held to no ceiling. */
  floor?: true;
  /** The `@aws-sdk/*` packages its code imports. */
  sdkClients: string[];
  bundled: Record<string, unknown> & { restKiB: number };
  external: Record<string, unknown> & { restKiB: number };
  /** Module init of the deployed bundle (the SDK in it): median CPU milliseconds. */
  initCpuMs?: number;
  /** Of which the function's own code: its bundle imported after the SDK packages it uses are loaded. */
  ownInitCpuMs?: number;
  /** The rest: the SDK clients alone, the floor no code of ours can go below. */
  sdkAloneInitCpuMs?: number;
  /** Init ÷ the SDK clients' alone (goal: at most INIT_RATIO_GOAL). */
  initRatio?: number;
  ceilingKiB: number;
}

/** Builds every function both ways; with `runs`, also times its module init that many times. */
export async function measureBundles(out: string, options: { runs?: number } = {}): Promise<BundleRow[]> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // the stack deploys every file of lambdas/handlers/ as a function of its own
  const entries = new Map<string, string>(
    readdirSync('lambdas/handlers').map((file) => [file.replace(/\.ts$/, ''), `lambdas/handlers/${file}`]),
  );
  // the floors are figures to read beside the timed functions; `--check` builds only what it holds to a ceiling
  if (options.runs) for (const [name, entry] of Object.entries(FLOORS)) entries.set(name, entry);
  const handlers = [...entries.keys()];
  const built = new Map<string, { file: string; sizes: BundleRow['bundled'] }>();
  const clients = new Map<string, string[]>();
  for (const handler of handlers)
    for (const way of WAYS) {
      const file = resolve(out, `${handler}-${way}.mjs`);
      const { metafile } = await bundleFunction(entries.get(handler)!, file, way);
      if (way === 'external') clients.set(handler, sdkPackagesOf(metafile));
      built.set(`${handler}/${way}`, {
        file,
        sizes: {
          bundleKiB: kib(statSync(file).size),
          // about what the deployment package's zip holds for it, which Lambda fetches on a cold start
          zippedKiB: kib(deflateRawSync(readFileSync(file)).length),
          ...split(metafile, relative(process.cwd(), file)),
        },
      });
    }
  // every import in turns, so that a busy machine slows all alike
  const deployedInit = new Map<string, number[]>();
  const ownInit = new Map<string, number[]>();
  for (let run = 0; run < (options.runs ?? 0); run++)
    for (const handler of handlers) {
      const deployed = importOnce(built.get(`${handler}/bundled`)!.file).cpuMs;
      deployedInit.set(handler, [...(deployedInit.get(handler) ?? []), deployed]);
      const own = ownInitOnce(clients.get(handler)!, built.get(`${handler}/external`)!.file).ownCpuMs;
      ownInit.set(handler, [...(ownInit.get(handler) ?? []), own]);
    }

  return handlers.map((handler) => {
    const [bundled, external] = WAYS.map((way) => built.get(`${handler}/${way}`)!.sizes) as [
      BundleRow['bundled'],
      BundleRow['external'],
    ];
    const row: BundleRow = {
      handler,
      sdkClients: clients.get(handler)!,
      bundled,
      external,
      ceilingKiB: ceilingOf(handler),
      ...(handler in FLOORS ? { floor: true as const } : {}),
    };
    if (!options.runs) return row;
    const initCpuMs = median(deployedInit.get(handler)!);
    const ownInitCpuMs = median(ownInit.get(handler)!);
    const sdkAloneInitCpuMs = Math.max(1, initCpuMs - ownInitCpuMs);
    return {
      ...row,
      initCpuMs: Math.round(initCpuMs),
      ownInitCpuMs: Math.round(ownInitCpuMs),
      sdkAloneInitCpuMs: Math.round(sdkAloneInitCpuMs),
      initRatio: Math.round((initCpuMs / sdkAloneInitCpuMs) * 100) / 100,
    };
  });
}

/** The functions whose rest (all but the SDK) is past its ceiling. */
export const overCeiling = (rows: readonly BundleRow[]): BundleRow[] =>
  rows.filter((row) => !row.floor && row.external.restKiB > row.ceilingKiB);

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  const runs = check ? 0 : Number(process.env.BENCH_RUNS ?? 7);
  // inside the repository, so that an external `@aws-sdk/*` resolves to the pinned SDK in node_modules, as the
  // runtime's own copy resolves from its own node_modules in Lambda
  const out = resolve('bench/.bundles');
  const rows = await measureBundles(out, { runs });
  rmSync(out, { recursive: true, force: true });
  console.log(`node ${process.version}${runs ? `, median CPU of ${runs} imports each` : ''}`);
  for (const row of rows) console.log(JSON.stringify(row));
  const over = overCeiling(rows);
  const functions = rows.filter((row) => !row.floor);
  const atGoal = functions.filter((row) => row.external.restKiB <= BUDGET_KIB).length;
  console.log(`${atGoal} of ${functions.length} bundles within the ${BUDGET_KIB} KiB budget`);
  for (const row of over)
    console.error(`over its ceiling: ${row.handler} ${row.external.restKiB} KiB > ${row.ceilingKiB} KiB`);
  if (check && over.length > 0) process.exit(1);
}
