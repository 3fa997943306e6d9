import type { CaseRecord } from './case.js';
import {
  AGREEMENT_FORM_LABELS,
  COMMITTEE_LABELS,
  FOLLOW_UP_LABELS,
  labelOf,
  PERFORMANCE_LABELS,
} from './catalog.js';
import { NotFoundError } from './errors.js';
import { lastBeijingDay, lastDayText } from './last-day.js';
import type { Agreement, Mediation } from './mediation.js';

/**
 * A mediation agreement as its readers see it (`GET /v1/cases/{id}/agreement`): its terms, its committee and
 * mediators, its parties as the case keeps them (masked), and its dates as last days in Beijing time, in words.
 */

type Language = 'zh' | 'en';

/** A party as the agreement names it: a petitioner of the case (by place) or its respondent. */
export interface AgreementParty {
  role: 'petitioner' | 'respondent';
  name: string;
  idNumber?: string;
  address?: string;
  /** The respondent's kind: a person or an organisation. */
  kind?: 'person' | 'organization';
}

const dueIn = (instant: string, language: Language) => ({
  at: instant,
  lastDay: lastBeijingDay(instant),
  lastDayText: lastDayText(instant, language),
});

/** The case's agreement and its mediation, or 404: a case without one has no agreement to read. */
export function agreementOf(record: CaseRecord): { mediation: Mediation; agreement: Agreement } {
  const mediation = record.mediation;
  if (!mediation?.agreement) throw new NotFoundError();
  return { mediation, agreement: mediation.agreement };
}

/** The parties from the case's petitioners (each as `petitioner(i)` gives them) and its respondent. */
export function agreementParties(
  record: CaseRecord,
  petitioner: (index: number) => Pick<AgreementParty, 'name' | 'idNumber' | 'address'>,
): AgreementParty[] {
  const { mediation } = agreementOf(record);
  const parties: AgreementParty[] = mediation.parties.petitioners.map((index) => ({
    role: 'petitioner',
    ...petitioner(index),
  }));
  if (mediation.parties.respondent && record.respondent)
    parties.push({ role: 'respondent', name: record.respondent.name, kind: record.respondent.kind });
  return parties;
}

/** The agreement in the reader's language, its parties as given. */
export function agreementView(record: CaseRecord, parties: AgreementParty[], language: Language) {
  const { mediation, agreement } = agreementOf(record);
  const label = (list: Parameters<typeof labelOf>[0], code: string) => labelOf(list, code, language);
  return {
    caseId: record.id,
    caseNumber: record.number,
    number: agreement.number,
    form: agreement.form,
    formLabel: label(AGREEMENT_FORM_LABELS, agreement.form),
    committee: mediation.committee,
    committeeLabel: label(COMMITTEE_LABELS, mediation.committee),
    mediators: mediation.mediators.map(({ id, source, name }) => ({ id, source, name })),
    parties,
    ...(agreement.facts ? { facts: agreement.facts } : {}),
    ...(agreement.disputed ? { disputed: agreement.disputed } : {}),
    ...(agreement.responsibilities ? { responsibilities: agreement.responsibilities } : {}),
    terms: agreement.terms,
    performance: {
      how: agreement.performance.how,
      ...(agreement.performance.where ? { where: agreement.performance.where } : {}),
      by: agreement.performance.by,
      byText: lastDayText(agreement.callbackBy, language),
    },
    effectiveAt: agreement.effectiveAt,
    /** Art 33: the parties may jointly apply for judicial confirmation until this last day. */
    judicialConfirmation: dueIn(agreement.confirmationBy, language),
    callback: {
      ...dueIn(agreement.callbackBy, language),
      ...(mediation.callback
        ? {
            result: mediation.callback.result,
            resultLabel: label(PERFORMANCE_LABELS, mediation.callback.result),
            ...(mediation.callback.followUp
              ? {
                  followUp: mediation.callback.followUp,
                  followUpLabel: label(FOLLOW_UP_LABELS, mediation.callback.followUp),
                }
              : {}),
            at: mediation.callback.at,
          }
        : {}),
    },
  };
}
export type AgreementView = ReturnType<typeof agreementView>;
