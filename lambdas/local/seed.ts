import type { Deps } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { childPath, type GridRecord } from '../domain/grid.js';
import { makeValidIdNumber } from '../domain/id-number.js';
import { issueToken, type LocalKeys } from './identity.js';

/** A demo town for `npm start`: a small grid tree and a few cases registered through the API itself. */

const DEMO_GRIDS: Omit<GridRecord, 'town' | 'path' | 'createdAt' | 'updatedAt'>[] = [
  { id: 'g-town', name: '枫桥镇综合网格', level: 'comprehensive' },
  { id: 'g-dongcun', name: '东村网格', level: 'village', parentId: 'g-town', village: '东村' },
  { id: 'g-dongcun-1', name: '东村第一网格单元', level: 'unit', parentId: 'g-dongcun', village: '东村' },
  { id: 'g-xicun', name: '西村网格', level: 'village', parentId: 'g-town', village: '西村' },
];

/** Creates the demo grids; true when this was the first start (so the demo cases are registered too). */
export async function seedDemoGrids(deps: Deps, town: string): Promise<boolean> {
  const grids = new GridRepository(deps.db, deps.tables.grids);
  const now = deps.now().toISOString();
  const paths = new Map<string, string>();
  let created = false;
  for (const grid of DEMO_GRIDS) {
    const path = childPath(grid.parentId ? paths.get(grid.parentId) : undefined, grid.id);
    paths.set(grid.id, path);
    created = (await grids.create({ ...grid, town, path, createdAt: now, updatedAt: now })) || created;
  }
  return created;
}

export async function seedDemoCases(baseUrl: string, keys: LocalKeys, town: string): Promise<void> {
  const token = await issueToken(keys, { roles: ['clerk'], sub: 'demo-clerk', town });
  const bodies = [
    {
      kind: 'petition',
      channel: 'visit',
      category: 'labor_wages',
      title: '工地拖欠工资',
      description: '在镇东工地务工三个月，工资未结清。',
      gridId: 'g-dongcun-1',
      petitioners: [
        { name: '张三', idNumber: makeValidIdNumber('330681', '19800101', '123'), phone: '13912345678' },
      ],
    },
    {
      kind: 'dispute',
      channel: 'patrol',
      category: 'neighbor',
      title: '宅基地界址纠纷',
      description: '两户因围墙位置发生争执。',
      gridId: 'g-xicun',
      petitioners: [{ name: '李四' }, { name: '王五' }],
    },
  ];
  for (const body of bodies) {
    const response = await fetch(`${baseUrl}/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201)
      throw new Error(`demo case not registered: ${response.status} ${await response.text()}`);
  }
}
