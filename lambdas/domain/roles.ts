/** The roles of the town's staff and citizens, as they appear in the `cognito:groups` claim. */
export const STAFF_ROLES = ['clerk', 'grid_worker', 'handler', 'leader', 'supervisor', 'admin'] as const;
/** A city's or county's petition bureau (市/县信访局): reads and supervises the towns its `custom:towns` claim names. */
export const CITY_ROLE = 'city_supervisor';
export const ROLES = [...STAFF_ROLES, 'petitioner', CITY_ROLE] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];
export type Role = (typeof ROLES)[number];

/**
 * Who is calling a town's routes: a member of the town's staff (with one or more roles) or a citizen. A city
 * supervisor is a `CityPrincipal`, which no town route accepts.
 */
export type Principal =
  | { kind: 'staff'; userId: string; town: string; roles: readonly StaffRole[] }
  | { kind: 'petitioner'; userId: string; town: string };

/** A city supervisor: no town of its own, the towns of its claim to read and supervise. */
export interface CityPrincipal {
  kind: 'city';
  userId: string;
  towns: readonly string[];
}

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

export const isStaffRole = (value: string): value is StaffRole =>
  (STAFF_ROLES as readonly string[]).includes(value);

export const hasAnyRole = (principal: Principal, allowed: readonly Role[]): boolean =>
  principal.kind === 'petitioner'
    ? allowed.includes('petitioner')
    : principal.roles.some((role) => allowed.includes(role));

/** The role recorded on timeline events: the strongest of the caller's roles. */
export const primaryRole = (principal: Principal): Role =>
  principal.kind === 'petitioner'
    ? 'petitioner'
    : ([...STAFF_ROLES].reverse().find((r) => principal.roles.includes(r)) ?? 'clerk');
