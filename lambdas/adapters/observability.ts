import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The shared structured logger. Log what happened and to which case, never a whole event or body: they carry the
 * Authorization header and personal data.
 */
export const logger = new Logger({
  serviceName: 'fengqiao',
  logLevel: (process.env.LOG_LEVEL as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | undefined) ?? 'INFO',
});
