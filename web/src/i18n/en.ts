import type { MessageKey } from './zh.js';

export const en: Record<MessageKey, string> = {
  'app.title': 'Petition workbench',
  'app.loading': 'Loading…',
  'app.configError': 'The site settings could not be read: {detail}',
  'lang.switch': '中文',
  'lang.label': 'Language',
  'track.title': 'Track a petition',
};
