import { randomBytes } from 'node:crypto';
import type { CaseRepository } from '../adapters/case-repository.js';
import type { OpenCasesPosition } from '../adapters/case-sweep-reads.js';
import { logger } from '../adapters/observability.js';
import type { RecomputeJob, SettingsRepository } from '../adapters/settings-repository.js';
import { WorkingCalendar } from '../domain/calendar.js';
import type { CaseRecord } from '../domain/case.js';
import type { DeadlineRules } from '../domain/case-deadlines.js';
import { recomputeDeadlines, recomputeNote } from '../domain/recompute.js';
import { chainEvent, type MacFunction } from '../domain/timeline.js';

/**
 * A stored calendar or policy takes effect on the open cases: a job in the town's settings walks them (by status,
 * oldest first) and rewrites each deadline still ahead, one case per transaction with its timeline event. The job keeps
 * its cursor, so a run stopped by its budget resumes where it stopped, and running it again changes nothing already
 * changed.
 */

interface RecomputeDeps {
  cases: CaseRepository;
  settings: SettingsRepository;
  mac: MacFunction;
}

/** How much one run may do before it stops and leaves the rest to the next: cases examined and wall-clock time. */
export interface RecomputeBudget {
  maxCases: number;
  maxMs: number;
}

/** What the admin's PUT does at once; what is left, the nightly town work finishes. */
export const INLINE_BUDGET: RecomputeBudget = { maxCases: 500, maxMs: 3_000 };
export const NIGHTLY_BUDGET: RecomputeBudget = { maxCases: 20_000, maxMs: 60_000 };

interface RecomputeOutcome {
  /** Open cases looked at in this run, and those whose deadlines it moved. */
  examined: number;
  changed: number;
  /** Whether every open case has been looked at since the settings were stored. */
  done: boolean;
}

const PAGE = 50;
/** A command or a sweep can move a case meanwhile: re-read it and try again this often. */
const CASE_RETRIES = 3;
const SYSTEM = { id: 'system', role: 'system' } as const;

/** Starts over from the first open case, keeping the reasons of a job not finished yet (its cases are not all done). */
export async function startRecompute(
  settings: SettingsRepository,
  town: string,
  reason: string,
  now: Date,
): Promise<RecomputeJob> {
  const previous = await settings.recomputeJob(town);
  const reasons = previous && !previous.done ? [...new Set([...previous.reasons, reason])] : [reason];
  const at = now.toISOString();
  const job: RecomputeJob = {
    id: `${at}#${randomBytes(6).toString('hex')}`,
    reasons,
    startedAt: at,
    updatedAt: at,
    position: { status: 0 },
    examined: 0,
    changed: 0,
    done: false,
  };
  await settings.putRecomputeJob(town, job);
  return job;
}

/** Recomputes one case, re-reading it when it moved meanwhile: whether it changed, or `busy` when it kept moving. */
async function recomputeCase(
  deps: RecomputeDeps,
  read: CaseRecord,
  rules: DeadlineRules,
  reason: string,
  now: Date,
): Promise<boolean | 'busy'> {
  let record: CaseRecord | undefined = read;
  for (let attempt = 0; attempt < CASE_RETRIES && record; attempt++) {
    const recomputed = recomputeDeadlines(record, rules, now);
    if (!recomputed) return false;
    const event = await chainEvent(
      record.timelineHead,
      {
        at: now.toISOString(),
        actor: SYSTEM,
        action: 'recompute-deadlines',
        note: recomputeNote(reason, recomputed.changes),
      },
      deps.mac,
    );
    if (await deps.cases.applyChange(record, recomputed.record, event)) return true;
    record = await deps.cases.get(record.town, record.id);
  }
  return record ? 'busy' : false;
}

/** Runs the town's pending job within the budget, saving its cursor as it goes. Nothing pending: done at once. */
export async function runRecompute(
  deps: RecomputeDeps,
  town: string,
  now: Date,
  budget: RecomputeBudget,
): Promise<RecomputeOutcome> {
  const job = await deps.settings.recomputeJob(town);
  if (!job || job.done || !job.position) return { examined: 0, changed: 0, done: true };
  const [policy, calendars] = await Promise.all([deps.settings.policy(town), deps.settings.calendars(town)]);
  const rules: DeadlineRules = { policy, calendar: new WorkingCalendar(calendars) };
  const reason = job.reasons.join('; ');
  const started = Date.now();
  const outcome = { examined: 0, changed: 0 };
  // the key is absent at the start of a status: the cursor carries none then
  const { status, key } = job.position;
  let position: OpenCasesPosition | undefined = { status, ...(key !== undefined ? { key } : {}) };
  let current = job;

  /** Writes the cursor; false when a newer job took over, which this run then leaves alone. */
  const save = async (): Promise<boolean> => {
    const next: RecomputeJob = {
      ...current,
      updatedAt: now.toISOString(),
      examined: job.examined + outcome.examined,
      changed: job.changed + outcome.changed,
      done: position === undefined,
    };
    if (position) next.position = position;
    else delete next.position;
    if (!(await deps.settings.putRecomputeJob(town, next, current.id))) return false;
    current = next;
    return true;
  };
  const spent = () => outcome.examined >= budget.maxCases || Date.now() - started >= budget.maxMs;

  walk: while (position && !spent()) {
    const page = await deps.cases.openCasesPage(town, position, PAGE);
    for (const { record, at } of page.items) {
      if (spent()) break walk;
      const changed = await recomputeCase(deps, record, rules, reason, now);
      if (changed === 'busy') {
        logger.warn('deadline recomputation lost the race for a case; the next run takes it', {
          town,
          caseId: record.id,
        });
        break walk;
      }
      outcome.examined += 1;
      if (changed) outcome.changed += 1;
      position = at;
    }
    position = page.next;
    if (!(await save())) return { ...outcome, done: false };
  }
  if (!(await save())) return { ...outcome, done: false };
  return { ...outcome, done: position === undefined };
}
