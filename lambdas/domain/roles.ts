/** The roles of the town's staff and citizens, as they appear in the `cognito:groups` claim. */
export const STAFF_ROLES = ['clerk', 'grid_worker', 'handler', 'leader', 'supervisor', 'admin'] as const;
export const ROLES = [...STAFF_ROLES, 'petitioner'] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];
export type Role = (typeof ROLES)[number];

/** Who is calling: a member of the town's staff (with one or more roles) or a citizen. */
export type Principal =
  | { kind: 'staff'; userId: string; town: string; roles: readonly StaffRole[] }
  | { kind: 'petitioner'; userId: string; town: string };

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

export const hasAnyRole = (principal: Principal, allowed: readonly Role[]): boolean =>
  principal.kind === 'petitioner'
    ? allowed.includes('petitioner')
    : principal.roles.some((role) => allowed.includes(role));

/** The role recorded on timeline events: the strongest of the caller's roles. */
export const primaryRole = (principal: Principal): Role =>
  principal.kind === 'petitioner'
    ? 'petitioner'
    : ([...STAFF_ROLES].reverse().find((r) => principal.roles.includes(r)) ?? 'clerk');
