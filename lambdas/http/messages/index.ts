import { en } from './en.js';
import { type Messages, zh } from './zh.js';

export type { Messages };

/** The message catalogue of each language the API answers in. */
export const MESSAGES = { zh, en } as const satisfies Record<string, Messages>;

export type Language = keyof typeof MESSAGES;

/** Words in whichever language the answer is written in: picked from that language's catalogue. */
export type Say = (m: Messages, language: Language) => string;
