import { describe, expect, it } from 'vitest';
import { InvalidFieldError } from '../../lambdas/domain/errors.js';
import {
  childPath,
  GRID_LEVELS,
  type GridLevel,
  type GridRecord,
  gridRecordSchema,
  intakeLevel,
  PARENT_LEVEL,
  parentProblem,
} from '../../lambdas/domain/grid.js';

/** The grid tree's pure rules: paths, the parent each level needs, and the level a case starts at. */

const AT = '2026-11-28T02:00:00.000Z';

function grid(id: string, level: GridLevel, parent?: GridRecord): GridRecord {
  return {
    id,
    town: 'town-a',
    name: id,
    level,
    ...(parent ? { parentId: parent.id } : {}),
    path: childPath(parent?.path, id),
    createdAt: AT,
    updatedAt: AT,
  };
}

const c1 = grid('c1', 'comprehensive');
const c2 = grid('c2', 'comprehensive');
const v1 = grid('v1', 'village', c1);
const v2 = grid('v2', 'village', c2);
const u1 = grid('u1', 'unit', v1);

describe('childPath', () => {
  it('roots a grid without a parent at /', () => {
    expect(childPath(undefined, 'c1')).toBe('/c1/');
  });

  it('appends the id to the parent path, so a prefix selects a subtree', () => {
    expect(v1.path).toBe('/c1/v1/');
    expect(u1.path).toBe('/c1/v1/u1/');
    expect(u1.path.startsWith(v1.path)).toBe(true);
    expect(u1.path.startsWith(c1.path)).toBe(true);
    expect(v2.path.startsWith(c1.path)).toBe(false);
  });

  it('ends every path with a slash, so a sibling whose id extends another is not inside it', () => {
    const c10 = grid('c10', 'comprehensive');
    expect(c10.path.startsWith(c1.path)).toBe(false);
  });

  it('makes records the schema accepts', () => {
    for (const g of [c1, v1, u1]) expect(gridRecordSchema.parse(g)).toEqual(g);
  });
});

describe('PARENT_LEVEL', () => {
  it('puts a unit in a village grid, a village grid in a comprehensive grid, a comprehensive grid nowhere', () => {
    expect(PARENT_LEVEL).toEqual({ comprehensive: undefined, village: 'comprehensive', unit: 'village' });
    expect([...GRID_LEVELS]).toEqual(['comprehensive', 'village', 'unit']);
  });
});

/** A refusal of the `parentId` field for this reason. */
const refused = (reason: string) => ({ path: 'parentId', reason });

describe('parentProblem', () => {
  it('accepts the three allowed shapes', () => {
    expect(parentProblem({ level: 'comprehensive' }, undefined)).toBeUndefined();
    expect(parentProblem({ level: 'village' }, c1)).toBeUndefined();
    expect(parentProblem({ level: 'unit' }, v1)).toBeUndefined();
  });

  it('refuses a comprehensive grid with any parent', () => {
    for (const parent of [c1, v1, u1])
      expect(parentProblem({ level: 'comprehensive' }, parent)).toMatchObject(refused('grid-has-no-parent'));
  });

  it('refuses a village or a unit without a parent, naming the level each needs', () => {
    expect(parentProblem({ level: 'village' }, undefined)).toMatchObject({
      ...refused('parent-required'),
      params: { level: 'village', parentLevel: 'comprehensive' },
    });
    expect(parentProblem({ level: 'unit' }, undefined)).toMatchObject({
      ...refused('parent-required'),
      params: { level: 'unit', parentLevel: 'village' },
    });
  });

  it('refuses a parent of the wrong level', () => {
    expect(parentProblem({ level: 'unit' }, c1)).toMatchObject(refused('parent-wrong-level'));
    expect(parentProblem({ level: 'unit' }, u1)).toMatchObject(refused('parent-wrong-level'));
    expect(parentProblem({ level: 'village' }, v2)).toMatchObject(refused('parent-wrong-level'));
    expect(parentProblem({ level: 'village' }, u1)).toMatchObject(refused('parent-wrong-level'));
  });

  it('lets an existing grid move under a parent of the right level elsewhere', () => {
    expect(parentProblem(v1, c2)).toBeUndefined();
    expect(parentProblem(u1, v2)).toBeUndefined();
  });

  it('refuses to move a grid under itself or its own descendant', () => {
    expect(parentProblem(v1, v1)).toBeInstanceOf(InvalidFieldError);
    expect(parentProblem(v1, u1)).toBeInstanceOf(InvalidFieldError);
    // the cycle check on its own: a forged tree where the level rule alone would pass
    const strange = { ...grid('x', 'comprehensive'), path: '/c1/v1/x/' };
    expect(parentProblem({ id: 'v1', level: 'village', path: v1.path }, strange)).toMatchObject(
      refused('parent-under-itself'),
    );
  });
});

describe('intakeLevel', () => {
  it('starts a case in a village grid or a unit at village level (小事不出村)', () => {
    expect(intakeLevel(v1)).toBe('village');
    expect(intakeLevel(u1)).toBe('village');
  });

  it('starts a case in a comprehensive grid, or without a grid, at town level', () => {
    expect(intakeLevel(c1)).toBe('town');
    expect(intakeLevel(undefined)).toBe('town');
  });
});
