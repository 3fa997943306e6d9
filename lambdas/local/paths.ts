import { resolve } from 'node:path';

/** Where the local host keeps its data, keys and runtime file. */
export const DATA_DIR = resolve(process.env.FENGQIAO_DATA_DIR ?? '.data');
export const TABLE_PREFIX = 'fengqiao-local';
