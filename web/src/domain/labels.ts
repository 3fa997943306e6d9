import { COMMAND_LABELS } from '../../../lambdas/domain/catalog.js';
import { locale, type MessageKey, t } from '../i18n/index.js';

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A command by the act it names, as the API's catalogue of commands words it. */
export function commandLabel(command: string): string {
  const entry = COMMAND_LABELS.find((c) => c.code === command);
  if (!entry) return t('timeline.other');
  return locale.value === 'en' ? capitalised(entry.en) : entry.zh;
}

const OTHER_ACTIONS = [
  'register',
  'received',
  'repeat-received',
  'link',
  'note',
  'attachment-stored',
  'mediation-session',
  'erase',
  'recompute-deadlines',
  'meeting-decision',
  'decision-done',
  'city-supervision',
] as const;

/** A timeline event's action: a command, or one of the other acts the timeline records. */
export function actionLabel(action: string): string {
  if ((OTHER_ACTIONS as readonly string[]).includes(action)) return t(`action.${action}` as MessageKey);
  return commandLabel(action);
}

const ROLES = [
  'clerk',
  'grid_worker',
  'handler',
  'leader',
  'supervisor',
  'admin',
  'petitioner',
  'system',
  'city_supervisor',
];

export function roleLabel(role: string): string {
  return ROLES.includes(role) ? t(`role.${role}` as MessageKey) : t('role.other');
}
