import * as z from 'zod/mini';

/**
 * Repeat petitions across the towns of one deployment (a city's towns): the same person petitioning on the same matter
 * (the town rule: the same category) in another town. Found by a second keyed blind index scoped to the deployment,
 * recorded on both cases, and shown to each audience as much as it may see: a town learns only that a case exists in
 * another town and which town, the city sees both cases. It refuses nothing and links nothing: Art 19 stays the town's.
 */

/** A case of the same person on the same matter in another town of the deployment. */
export const crossTownRefSchema = z.object({
  town: z.string(),
  caseId: z.string(),
  number: z.string(),
  registeredAt: z.string(),
  /** The town's name as its profile gave it when the match was found; absent when the town has none. */
  townName: z.optional(z.string()),
  townNameEn: z.optional(z.string()),
});
export type CrossTownRef = z.infer<typeof crossTownRefSchema>;

/**
 * What a case keeps, as two lists of its own (each grows by one `list_append`, without reading the case): the earlier
 * cases elsewhere found when it was registered, and the later ones registered elsewhere that found it.
 */
export const crossTownFields = {
  earlierElsewhere: z.optional(z.array(crossTownRefSchema)),
  laterElsewhere: z.optional(z.array(crossTownRefSchema)),
};
interface CrossTownFields {
  earlierElsewhere?: CrossTownRef[] | undefined;
  laterElsewhere?: CrossTownRef[] | undefined;
}

type CrossTownRelation = 'earlier' | 'later';

/**
 * The identifiers the deployment index is built from, out of the town index's (`petitionerIdentifiers`: at most the
 * five representatives, normalised): the ID numbers only. A phone is left out: across towns, a shared phone (a
 * family's, a village cadre's) is not the same person.
 */
export const crossTownIdentifiers = (identifiers: readonly string[]): string[] =>
  identifiers.filter((identifier) => identifier.startsWith('id:'));

/**
 * What the deployment-wide keyed hash is taken of: a label of its own (so it never equals the town index's hash of
 * the same person), the category (the same matter) and the ID number.
 */
export const crossTownMacInput = (category: string, identifier: string): string =>
  `cross-town-petitioner\n${category}\n${identifier}`;

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The refs of other towns only, each case once, oldest first (then by town and id, so the order never wavers). */
export function otherTownRefs(refs: readonly CrossTownRef[], ownTown: string): CrossTownRef[] {
  const seen = new Set<string>();
  return refs
    .filter((ref) => ref.town !== ownTown)
    .filter((ref) => {
      const key = `${ref.town}\n${ref.caseId}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort(
      (a, b) =>
        compare(a.registeredAt, b.registeredAt) || compare(a.town, b.town) || compare(a.caseId, b.caseId),
    );
}

/** What a town's staff see: that a case exists in another town, earlier or later, and which town. Nothing else. */
interface TownCrossTownEntry {
  town: string;
  townName?: string;
  townNameEn?: string;
  relation: CrossTownRelation;
}

/** What the city sees: both cases, each with its town, id, number and when it was registered. */
interface CityCrossTownEntry extends TownCrossTownEntry {
  caseId: string;
  number: string;
  registeredAt: string;
}

export function crossTownRepeatView(record: CrossTownFields, audience: 'town'): TownCrossTownEntry[];
export function crossTownRepeatView(record: CrossTownFields, audience: 'city'): CityCrossTownEntry[];
/**
 * A case's repeats in other towns as an audience may see them, earlier ones first. The town: one entry per town and
 * relation, no case id, number or content. The city (its supervisor, reading a town of its claim): every case.
 * The citizen's own views call neither.
 */
export function crossTownRepeatView(
  record: CrossTownFields,
  audience: 'town' | 'city',
): TownCrossTownEntry[] | CityCrossTownEntry[] {
  const entries = [
    ...(record.earlierElsewhere ?? []).map((ref) => ({ ref, relation: 'earlier' as const })),
    ...(record.laterElsewhere ?? []).map((ref) => ({ ref, relation: 'later' as const })),
  ];
  if (audience === 'city')
    return entries.map(({ ref, relation }) => ({
      town: ref.town,
      ...names(ref),
      relation,
      caseId: ref.caseId,
      number: ref.number,
      registeredAt: ref.registeredAt,
    }));
  const seen = new Set<string>();
  const town: TownCrossTownEntry[] = [];
  for (const { ref, relation } of entries) {
    const key = `${relation}\n${ref.town}`;
    if (seen.has(key)) continue;
    seen.add(key);
    town.push({ town: ref.town, ...names(ref), relation });
  }
  return town;
}

const names = (ref: CrossTownRef) => ({
  ...(ref.townName ? { townName: ref.townName } : {}),
  ...(ref.townNameEn ? { townNameEn: ref.townNameEn } : {}),
});
