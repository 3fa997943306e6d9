import type { CaseRepository } from '../adapters/case-repository.js';
import type { CrossTownWrites } from '../adapters/cross-town-items.js';
import { petitionerIdentifiers } from '../domain/case.js';
import { crossTownIdentifiers, crossTownMacInput, otherTownRefs } from '../domain/cross-town.js';
import type { RegistrationInput } from '../domain/registration.js';
import { DEFAULT_TOWN_PROFILE, type TownProfile } from '../domain/report.js';
import type { MacFunction } from '../domain/timeline.js';

/**
 * Repeats across the deployment's towns at registration: the petitioners' deployment blind indexes (a keyed hash of
 * the category and each ID number, under the deployment's MAC key) and the earlier cases of other towns they find.
 * The new case records those, each of them a mark of the new one, all in the registration's transaction. Nothing is
 * refused or linked: whether a matter repeats an open case is the town's own rule (Art 19, `repeatAtWindow`).
 */
export async function lookUpElsewhere(
  deps: { cases: Pick<CaseRepository, 'findByDeploymentIndex'>; mac: MacFunction },
  town: string,
  input: Pick<RegistrationInput, 'petitioners' | 'category'>,
  profile: TownProfile | undefined,
  /** A case that is not a repeat of this one though it matches: the one a transfer (转送) brings it from. */
  except?: { town: string; caseId: string },
): Promise<CrossTownWrites> {
  // at the places of the town index's identifiers, so each blind-index item carries its own person's
  const identifiers = petitionerIdentifiers(input.petitioners);
  const ids = new Set(crossTownIdentifiers(identifiers));
  const blindIndexes = await Promise.all(
    identifiers.map((identifier) =>
      ids.has(identifier) ? deps.mac(crossTownMacInput(input.category, identifier)) : undefined,
    ),
  );
  const found = blindIndexes.filter((blind) => blind !== undefined);
  const earlier = found.length
    ? otherTownRefs(await deps.cases.findByDeploymentIndex(found), town).filter(
        (ref) => !(ref.town === except?.town && ref.caseId === except.caseId),
      )
    : [];
  return { blindIndexes, earlier, names: townNamesOf(profile) };
}

/** The names another town's staff read: none for a town that never gave one (the default `本镇` means "this town"). */
function townNamesOf(profile: TownProfile | undefined): CrossTownWrites['names'] {
  if (!profile) return {};
  return {
    ...(profile.townName !== DEFAULT_TOWN_PROFILE.townName ? { townName: profile.townName } : {}),
    ...(profile.townNameEn ? { townNameEn: profile.townNameEn } : {}),
  };
}
