import type { CommandName } from './commands.js';

/**
 * What each command asks for (its body in the OpenAPI document), as form fields. `name` is the body's path
 * (`performance.by`), so the API's field errors land on the field that caused them.
 */
export type FieldSpec = (
  | { name: string; kind: 'text' | 'textarea'; required: boolean; max: number }
  | { name: string; kind: 'lines'; required: boolean }
  | { name: string; kind: 'number'; required: boolean; min: number; max: number }
  | { name: string; kind: 'date' | 'datetime'; required: boolean }
  | { name: string; kind: 'boolean' }
  | { name: string; kind: 'staff' | 'staff-list'; required: boolean }
  | { name: string; kind: 'petitioner-list'; required: boolean }
  | { name: string; kind: 'hand-off'; required: boolean }
  | { name: string; kind: 'case'; required: boolean }
  /** A choice of codes: a catalogue list by name, or the codes given. */
  | { name: string; kind: 'choice'; required: boolean; catalog: string }
  | { name: string; kind: 'choice'; required: boolean; codes: readonly string[] }
  /** Another town of the deployment (`GET /v1/towns`). */
  | { name: string; kind: 'town'; required: boolean }
  /** A choice the form makes between fields, never sent itself: its codes, the first one chosen at first. */
  | { name: string; kind: 'switch'; codes: readonly string[] }
) & {
  /** Shown, checked and sent only while the form's switch `name` is `is`. */
  when?: { name: string; is: string };
};

const text = (name: string, required = true, max = 2000): FieldSpec => ({
  name,
  kind: 'text',
  required,
  max,
});
const area = (name: string, required = true, max = 4000): FieldSpec => ({
  name,
  kind: 'textarea',
  required,
  max,
});
const fromCatalog = (name: string, catalog: string, required = true): FieldSpec => ({
  name,
  kind: 'choice',
  required,
  catalog,
});
const codes = (name: string, list: readonly string[], required = true): FieldSpec => ({
  name,
  kind: 'choice',
  required,
  codes: list,
});

export const COMMAND_FORMS: Record<CommandName, FieldSpec[]> = {
  accept: [
    fromCatalog('track', 'tracks'),
    { name: 'assigneeId', kind: 'staff', required: false },
    area('note', false),
  ],
  decline: [
    area('reason'),
    codes('route', ['litigation', 'arbitration', 'administrative_review', 'other'], false),
  ],
  // a body outside the deployment, or another town of it (转送): exactly one of the two
  transfer: [
    { name: 'destination', kind: 'switch', codes: ['unit', 'town'] },
    { ...text('toUnit', true, 200), when: { name: 'destination', is: 'unit' } },
    { name: 'toTown', kind: 'town', required: true, when: { name: 'destination', is: 'town' } },
    area('note', false),
  ],
  return: [area('reason')],
  triage: [fromCatalog('track', 'tracks')],
  assign: [{ name: 'assigneeId', kind: 'staff', required: true }, area('note', false)],
  own: [
    { name: 'leaderId', kind: 'staff', required: true },
    { name: 'team', kind: 'staff-list', required: true },
    { name: 'plan.tasks', kind: 'lines', required: true },
    { name: 'plan.responsibilities', kind: 'lines', required: true },
    { name: 'plan.measures', kind: 'lines', required: true },
  ],
  escalate: [codes('level', ['town', 'county']), area('reason')],
  extend: [{ name: 'days', kind: 'number', required: true, min: 1, max: 30 }, area('reason')],
  classify: [{ name: 'repeatOf', kind: 'case', required: false }, area('reason')],
  'mark-key': [area('reason')],
  'unmark-key': [area('reason')],
  reply: [
    fromCatalog('outcome', 'outcomes'),
    area('opinion'),
    { name: 'resolution', kind: 'lines', required: false },
    { name: 'deliveredAt', kind: 'datetime', required: false },
  ],
  rate: [fromCatalog('rating', 'ratings'), area('comment', false)],
  'request-review': [area('reason')],
  'record-review': [
    fromCatalog('outcome', 'outcomes'),
    area('opinion'),
    { name: 'deliveredAt', kind: 'datetime', required: false },
  ],
  close: [area('note', false)],
  withdraw: [area('reason')],
  mediate: [
    fromCatalog('committee', 'committees'),
    { name: 'mediatorIds', kind: 'staff-list', required: true },
    { name: 'parties.petitioners', kind: 'petitioner-list', required: true },
    { name: 'parties.respondent', kind: 'boolean' },
    area('note', false),
  ],
  'extend-mediation': [
    { name: 'days', kind: 'number', required: true, min: 1, max: 30 },
    { name: 'partiesConsent', kind: 'boolean' },
    area('reason'),
  ],
  agree: [
    fromCatalog('form', 'agreementForms'),
    area('facts', false),
    area('disputed', false),
    area('responsibilities', false),
    { name: 'terms', kind: 'lines', required: true },
    text('performance.how'),
    text('performance.where', false, 200),
    { name: 'performance.by', kind: 'date', required: true },
  ],
  'mediation-failed': [area('reason'), fromCatalog('route', 'advisedRoutes')],
  callback: [
    fromCatalog('result', 'performanceResults'),
    area('note'),
    fromCatalog('followUp', 'followUps', false),
  ],
  'hand-off': [
    fromCatalog('line', 'handOffLines'),
    text('unit', true, 200),
    { name: 'dueDate', kind: 'date', required: true },
    area('note', false),
  ],
  'hand-off-result': [
    { name: 'handOffId', kind: 'hand-off', required: true },
    { name: 'accepted', kind: 'boolean' },
    area('result'),
  ],
};

/** The fields the form shows with these values: those of a switch's other choices left out. */
export function shownFields(fields: FieldSpec[], values: Record<string, unknown>): FieldSpec[] {
  return fields.filter((field) => !field.when || values[field.when.name] === field.when.is);
}

/** The values a form starts with: a switch at its first choice, a boolean off. */
export function initialValues(fields: FieldSpec[]): Record<string, unknown> {
  return Object.fromEntries(
    fields.flatMap((field): [string, unknown][] =>
      field.kind === 'switch'
        ? [[field.name, field.codes[0]]]
        : field.kind === 'boolean'
          ? [[field.name, false]]
          : [],
    ),
  );
}

/**
 * The body of a command from its form's values: the fields shown only, a switch never sent, empty optional fields
 * left out, lines split, paths nested.
 */
export function commandBody(fields: FieldSpec[], values: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of shownFields(fields, values)) {
    if (field.kind === 'switch') continue;
    let value = values[field.name];
    if (field.kind === 'lines' && typeof value === 'string')
      value = value
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    if (field.kind === 'datetime' && typeof value === 'string' && value !== '') value = `${value}+08:00`;
    if (field.kind === 'case' && (value === '' || value === undefined)) value = null;
    if (typeof value === 'string') value = value.trim();
    const empty = value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
    if (empty && field.kind !== 'boolean') continue;
    const path = field.name.split('.');
    let target = body;
    for (const key of path.slice(0, -1)) {
      target[key] ??= {};
      target = target[key] as Record<string, unknown>;
    }
    target[path.at(-1) as string] = field.kind === 'boolean' ? value === true : value;
  }
  return body;
}

/** The fields left empty that the command needs, by name. */
export function missingFields(fields: FieldSpec[], values: Record<string, unknown>): string[] {
  return shownFields(fields, values)
    .filter((field) => field.kind !== 'boolean' && field.kind !== 'switch' && field.required)
    .filter((field) => {
      const value = values[field.name];
      return (
        value === undefined ||
        value === null ||
        (typeof value === 'string' && value.trim() === '') ||
        (Array.isArray(value) && value.length === 0)
      );
    })
    .map((field) => field.name);
}
