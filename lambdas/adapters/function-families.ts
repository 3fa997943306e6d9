/** The API's Lambda functions, one per family of routes: the route table, the stack and the access table name them. */
export const FUNCTION_FAMILIES = {
  public: 'Health, OpenAPI document and catalogue',
  cases: 'Case intake, reads, lists, commands, notes and timeline',
  grids: 'Grid tree, grid workers, staff and helper directories, and patrols',
  privacy: 'Personal data: reveals with a reason (petitioners’, helpers’ phones), the reveal log, erasure',
  me: 'The caller’s own inbox (and, for citizens, their cases)',
  admin: 'Town settings: deadline policy, working-day calendars and Open311 keys',
  reports: 'Daily, weekly and monthly bulletins and the indicators behind them',
  open311: 'Open311 GeoReport v2: public services and requests, filing by client apps with an api_key',
  meetings: 'Joint meetings and consultations, their minutes and the decisions taken',
  reception: 'Leaders’ reception roster (public too) and reception records with the visits received',
  attachments: 'Evidence on a case: presigned uploads to S3, their check, the list and downloads',
  city: 'The city’s view of its towns: metrics, bulletins ranking the towns, their lists and cases, supervision (督办)',
} as const;

export type FunctionFamily = keyof typeof FUNCTION_FAMILIES;
