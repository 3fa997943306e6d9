import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * The flags of a local command line tool: `--help` (or `-h`) prints its usage and exits 0; a flag it does not know,
 * a missing value or a stray argument prints one line saying what, then the usage, and exits 2.
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(options: T, usage: string) {
  const args = process.argv.slice(2);
  // asked for help, it is given whatever else is on the line
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  try {
    const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
    return values;
  } catch (error) {
    return usageError((error as Error).message, usage);
  }
}

/** One line saying what is wrong, the usage, and exit code 2. */
export function usageError(message: string, usage: string): never {
  console.error(`error: ${message.split('\n')[0]}\n\n${usage}`);
  process.exit(2);
}
