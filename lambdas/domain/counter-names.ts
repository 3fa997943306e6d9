/** The counters a town keeps, by Beijing day and grid: what reports and indicators sum. */

export const COUNTERS = [
  'registered',
  'petitions',
  'disputes',
  'collective',
  'repeat',
  'ackOnTime',
  'ackMissed',
  'replyOnTime',
  'replyMissed',
  'reviewOnTime',
  'reviewMissed',
  'reviewAnswered',
  'extended',
  'replied',
  'resolved',
  // replies and resolutions by kind: 信访 (petitions) and 矛盾纠纷 (disputes) have their own resolution rates
  'petitionsReplied',
  'petitionsResolved',
  'disputesReplied',
  'disputesResolved',
  'partiallyResolved',
  'notResolved',
  'referred',
  'resolvedVillage',
  'resolvedTown',
  'resolvedCounty',
  'ratedSatisfied',
  'ratedBasicallySatisfied',
  'ratedDissatisfied',
  'overdue',
  'closed',
  'patrols',
  // 重点信访矛盾: marks given and taken back, and replies to key cases
  'keyMarked',
  'keyUnmarked',
  'keyReplied',
  'keyResolved',
  /** A matter received again and linked to the petitioner's open case instead of a second one (Art 19). */
  'repeatLinked',
  // 领导接访: receptions held, the batches (批次) and person-times (人次) received, visits settled on the spot
  'receptions',
  'receptionBatches',
  'receptionPersonTimes',
  'receptionSettled',
  // repeat petitions (重复信访) replied and resolved, for the yearly summary
  'repeatReplied',
  'repeatResolved',
  // 人民调解: mediations begun and concluded, agreements by committee, failures, the time limit met or missed
  'mediations',
  'mediationsConcluded',
  'agreements',
  'agreementsVillage',
  'agreementsTown',
  'mediationsFailed',
  'mediationOnTime',
  'mediationMissed',
  // 回访: callbacks due (on time or missed) and what they found
  'callbackOnTime',
  'callbackMissed',
  'performed',
  'partlyPerformed',
  'notPerformed',
  // 五位一体: hand-offs to legal aid, labour arbitration and the litigation service, and their returns
  'handOffs',
  'handOffOnTime',
  'handOffMissed',
] as const;
export type Counter = (typeof COUNTERS)[number];

/** Registrations by channel are counted too, as `channel_<code>`. */
export type CounterName = Counter | `channel_${string}`;
