import type { CaseRecord } from '../domain/case.js';
import { InvalidFieldError } from '../domain/errors.js';
import type { RepeatDecision } from '../domain/repeat.js';
import { HttpProblem, toProblem } from './problem.js';

/** Problems of Art 19 at the window: a repeat of an open case (409), a field naming the wrong case (400). */

/** What a client needs to act on the open case, and nothing personal: its id, number and status. */
const openCaseMember = (record: CaseRecord) => ({
  id: record.id,
  number: record.number,
  status: record.status,
});

export function repeatProblem(
  decision: Extract<RepeatDecision, { kind: 'refused' | 'invalid' | 'not-open' }>,
): HttpProblem {
  switch (decision.kind) {
    case 'invalid':
      return toProblem(new InvalidFieldError(decision.path, decision.reason));
    case 'not-open': {
      const { number, status } = decision.target;
      return new HttpProblem('wrong-status', (m) => m.detail['repeat-not-open']({ number, status }), {
        errors: [{ path: 'repeatOfOpenCase.caseId', message: (m) => m.field['case-not-open']({ status }) }],
      });
    }
    case 'refused': {
      const open = decision.openCase;
      if (!open)
        // the registrar may not see the open case: neither its id nor its number, only that the window must decide
        return new HttpProblem('repeat-of-open-case', (m) => m.detail['repeat-hidden']);
      return new HttpProblem(
        'repeat-of-open-case',
        (m) => m.detail['repeat-open']({ number: open.number, status: open.status }),
        { extensions: { openCase: openCaseMember(open) } },
      );
    }
  }
}
