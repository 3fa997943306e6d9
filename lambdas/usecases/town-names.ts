import { DEFAULT_TOWN_PROFILE, type TownProfile } from '../domain/report.js';

/** A town as the workbench names it: its id, the name its admin gave it, and the English one when given. */
interface TownName {
  id: string;
  name: string;
  nameEn?: string;
}

interface TownProfiles {
  townProfile(town: string): Promise<TownProfile>;
}

/**
 * A town's names from its profile. A town whose admin gave it no name is 本镇 ('this town') to its own staff, and its
 * id to everyone else, as the timelines' transfers name it (`townLabel`).
 */
function townName(town: string, profile: TownProfile, own: boolean): TownName {
  const named = profile.townName !== DEFAULT_TOWN_PROFILE.townName;
  if (!named && !own)
    return { id: town, name: town, ...(profile.townNameEn ? { nameEn: profile.townNameEn } : {}) };
  return {
    id: town,
    name: profile.townName,
    ...(profile.townNameEn ? { nameEn: profile.townNameEn } : named ? {} : { nameEn: 'This town' }),
  };
}

/**
 * The caller's town and the deployment's towns (`TOWNS`), each by its names; with no list, the caller's town alone.
 * The caller's own town is always among them.
 */
export async function townsOfDeployment(
  profiles: TownProfiles,
  own: string,
  deployment: readonly string[],
): Promise<{ town: TownName; towns: TownName[] }> {
  const ids = deployment.includes(own) ? [...deployment] : [own, ...deployment];
  const towns = await Promise.all(
    ids.map(async (id) => townName(id, await profiles.townProfile(id), id === own)),
  );
  const town = towns.find((entry) => entry.id === own) as TownName;
  return { town, towns };
}
