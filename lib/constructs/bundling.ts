import type { Charset } from 'aws-cdk-lib/aws-lambda-nodejs';

/** What every function's bundle is built with (lib/constructs/functions.ts; `npm run bench:bundles` measures it). */

/** Some dependencies still call require(); an ESM bundle has none of its own. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/**
 * The AWS SDK goes into each bundle rather than being taken from the runtime: the functions then run the SDK version
 * package-lock.json pins and the tests run, not whichever one the runtime ships that month; and measured
 * (`npm run bench:bundles`), a bundle with it initialises in about 60% of the CPU time, for ~640 KiB more each.
 */
export const BUNDLE_AWS_SDK = true;

/**
 * The bundle's text as UTF-8, not ASCII with `\uXXXX` escapes: every Chinese word (the message catalogues, the
 * category and status labels) then takes 3 bytes instead of 6, about 11 KiB less per function.
 */
export const BUNDLE_CHARSET = 'utf8' satisfies `${Charset}`;
