import { computed, ref, shallowRef } from 'vue';
import { apiClient, type components, type FengqiaoClient } from './api.js';
import type { RuntimeConfig } from './config.js';
import { labelOf, locale } from './i18n/index.js';
import { endSession, session } from './session.js';

type CatalogEntry = { code: string; zh: string; en: string };
type Catalog = components['schemas']['Catalog'];

/** The settings the page started with (from `/config.json`). */
export const config = shallowRef<RuntimeConfig>({ apiBaseUrl: '', auth: { kind: 'local' } });

/** The typed client for the signed-in user, in the page's language. */
export const client = computed<FengqiaoClient>(() => {
  const typed = apiClient(config.value.apiBaseUrl, locale.value, session.value?.token);
  // a token the API no longer takes (expired, revoked): sign in again rather than show every call failing
  typed.use({
    onResponse({ response }) {
      if (response.status === 401 && session.value) {
        endSession();
        window.location.hash = '#/sign-in';
      }
    },
  });
  return typed;
});

/** The town's catalogue (`GET /v1/catalog`): every code's label, read once per sign-in. */
export const catalog = ref<Catalog>({});

export async function loadCatalog(): Promise<void> {
  const { data } = await client.value.GET('/v1/catalog');
  if (data) catalog.value = data;
}

/** The label of a code in a catalogue list, in the page's language; the code itself when the list lacks it. */
export function catalogLabel(list: string, code: string | undefined): string {
  if (code === undefined) return '';
  const entry = (catalog.value[list] as CatalogEntry[] | undefined)?.find((e) => e.code === code);
  return labelOf(entry, code);
}

type Towns = components['schemas']['Towns'];

/** The caller's town and the deployment's towns by name (`GET /v1/towns`), read once per sign-in. */
export const towns = ref<Towns>();

export async function loadTowns(): Promise<void> {
  const { data } = await client.value.GET('/v1/towns');
  if (data) towns.value = data;
}

/** A town by its name in the page's language (English when it has one); the id while the names are unread. */
export function townLabel(id: string | undefined): string {
  if (id === undefined) return '';
  const town =
    towns.value?.towns.find((entry) => entry.id === id) ??
    (towns.value?.town.id === id ? towns.value.town : undefined);
  if (!town) return id;
  return locale.value === 'en' ? (town.nameEn ?? town.name) : town.name;
}

/** The deployment's other towns, which a case may be transferred to (转送). */
export function otherTowns(): { value: string; label: string }[] {
  const own = towns.value?.town.id;
  return (towns.value?.towns ?? [])
    .filter((town) => town.id !== own)
    .map((town) => ({ value: town.id, label: townLabel(town.id) }));
}

type StaffMember = { userId: string; name: string; title?: string };

/** The town's staff directory (`GET /v1/staff`), read once per sign-in: names in place of user ids. */
export const staff = ref<StaffMember[]>([]);

export async function loadStaff(): Promise<void> {
  const { data } = await client.value.GET('/v1/staff');
  if (data) staff.value = data.items;
}

/** A staff member's name as the directory has it; the id when the directory does not list them. */
export function staffName(userId: string | undefined): string {
  if (userId === undefined) return '';
  return staff.value.find((member) => member.userId === userId)?.name ?? userId;
}

export function catalogOptions(list: string) {
  return computed(() =>
    ((catalog.value[list] as CatalogEntry[] | undefined) ?? []).map((e) => ({
      value: e.code,
      label: labelOf(e),
    })),
  );
}
