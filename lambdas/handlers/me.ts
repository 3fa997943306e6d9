import { type Deps, depsFromEnv } from '../adapters/deps.js';
import { NotificationRepository } from '../adapters/notification-repository.js';
import { keys } from '../adapters/table-model.js';
import { NotFoundError } from '../domain/errors.js';
import { createApiHandler, lazyHandler } from '../http/api.js';
import { HttpProblem } from '../http/problem.js';
import { limitParam } from '../http/schemas.js';
import { parseWith, z } from '../http/validation.js';

const inboxQuery = z.strictObject({
  unread: z.enum(['true', 'false']).optional(),
  limit: limitParam,
  cursor: z.string().min(1).max(512).optional(),
});

const badCursor = () =>
  new HttpProblem(
    'validation',
    { zh: 'cursor 无效', en: 'The cursor is not valid' },
    { errors: [{ path: 'cursor', message: 'is not a cursor this list issued' }] },
  );

export function createMeHandler(deps: Deps) {
  const notifications = new NotificationRepository(deps.db, deps.tables.cases);

  return createApiHandler({
    family: 'me',
    deps,
    routes: {
      'GET /v1/me/notifications': {
        async handle(request) {
          const { town, userId } = request.principal;
          const query = parseWith(inboxQuery, request.query, request.language);
          // the cursor is the last notification id: it can only point into the caller's own inbox
          const startKey = query.cursor ? keys.inboxItem(town, userId, query.cursor) : undefined;
          if (query.cursor && !/^[\dTZ]+-[\w-]{16}$/.test(query.cursor)) throw badCursor();
          const page = await notifications.inbox(
            town,
            userId,
            query.limit,
            startKey,
            query.unread === 'true',
          );
          const last = page.lastKey ? String(page.lastKey.sk).slice(2) : undefined;
          const items = page.items.map(({ town: _town, ...n }) => n);
          return { status: 200, body: { items, ...(last ? { nextCursor: last } : {}) } };
        },
      },
      'POST /v1/me/notifications/{id}/read': {
        async handle(request) {
          const { town, userId } = request.principal;
          const ok = await notifications.markRead(
            town,
            userId,
            request.params.id ?? '',
            deps.now().toISOString(),
          );
          if (!ok) throw new NotFoundError();
          return { status: 204 };
        },
      },
    },
  });
}

export const handler = lazyHandler(() => createMeHandler(depsFromEnv()));
