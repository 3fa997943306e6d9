import { ref } from 'vue';
import { catalog as defaultCatalog } from '../../lambdas/domain/catalog.js';
import type { components } from './api.js';
import { type CityBulletinKind, cityBulletinPath } from './domain/city.js';
import { beijingDate } from './domain/dates.js';
import { locale } from './i18n/index.js';
import { openPrintable } from './printable.js';
import { catalog, client } from './store.js';

/**
 * What the city's pages (市/县信访局) share: the towns of the claim by name. `GET /v1/towns` and `GET /v1/catalog` are
 * a town's routes and refuse a city token, so the names come from the city's metrics (`towns[].name`) and the labels
 * from the service's own catalogue.
 */

type CityMetrics = components['schemas']['CityMetrics'];

interface CityTown {
  id: string;
  name?: string;
  nameEn?: string;
}

/** The towns the city reads, by id and name, as its metrics answer last gave them. */
export const cityTowns = ref<CityTown[]>([]);

/** Keeps the towns' names of a metrics answer. */
export function rememberTowns(metrics: CityMetrics): void {
  cityTowns.value = metrics.towns.map((town) => ({
    id: town.town,
    ...(town.name ? { name: town.name } : {}),
    ...(town.nameEn ? { nameEn: town.nameEn } : {}),
  }));
}

/** Reads the towns' names once (this month's metrics), and the labels the pages use. */
export async function loadCityContext(): Promise<void> {
  if (Object.keys(catalog.value).length === 0)
    catalog.value = defaultCatalog() as unknown as typeof catalog.value;
  if (cityTowns.value.length > 0) return;
  const today = beijingDate();
  const { data } = await client.value.GET('/v1/city/metrics', {
    params: { query: { from: `${today.slice(0, 8)}01`, to: today } },
  });
  if (data) rememberTowns(data);
}

/**
 * A town by its name, the English one in English when its admin gave one; the id while the names are unread (or when
 * its admin never named it).
 */
export function cityTownLabel(id: string | undefined): string {
  if (id === undefined) return '';
  const town = cityTowns.value.find((entry) => entry.id === id);
  return (locale.value === 'en' ? town?.nameEn : undefined) ?? town?.name ?? id;
}

/**
 * Opens a bulletin (the city's, or a town's when one is given): the API's own printable page, fetched with the token
 * and shown in a new window, as the dashboard opens the town's. Says what went wrong, or nothing.
 */
export async function openCityBulletin(kind: CityBulletinKind, town?: string): Promise<string> {
  const path = cityBulletinPath(kind, beijingDate(), town) as '/v1/city/reports/weekly/{week}';
  return openPrintable(() =>
    client.value.GET(path, {
      params: { path: { week: '' } },
      headers: { Accept: 'text/html' },
      parseAs: 'text',
    }),
  );
}
