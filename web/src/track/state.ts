import { shallowRef } from 'vue';
import type { RuntimeConfig } from '../config.js';

/** The citizen page's settings: only where the API is (it signs nobody in). */
export const config = shallowRef<Pick<RuntimeConfig, 'apiBaseUrl'>>({ apiBaseUrl: '' });
