import type { CaseRecord } from '../domain/case.js';
import { STATUSES } from '../domain/catalog.js';
import type { RepeatDecision } from '../domain/repeat.js';
import { HttpProblem, registerRuleTitles, validationProblem } from './problem.js';

/**
 * Problems of the rules on taking matters in and marking cases: Art 19 at the window (a repeat of an open case, 409; a
 * field naming the wrong case, 400) and the key-case mark.
 */

registerRuleTitles({
  'already-key': { zh: '该案件已是重点信访矛盾', en: 'The case is already a key case' },
  'not-key': { zh: '该案件不是重点信访矛盾', en: 'The case is not a key case' },
});

const statusLabel = (code: string) => STATUSES.find((s) => s.code === code) ?? { zh: code, en: code };

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
      return validationProblem([{ path: decision.path, message: decision.message }]);
    case 'not-open': {
      const { number, status } = decision.target;
      const label = statusLabel(status);
      return new HttpProblem(
        'wrong-status',
        {
          zh: `案件 ${number} 已${label.zh}，不能再并入重复事项；请按新事项登记`,
          en: `Case ${number} is ${label.en.toLowerCase()}: only an open case takes a repeat; register the matter anew`,
        },
        { errors: [{ path: 'repeatOfOpenCase.caseId', message: `is ${status}, not open` }] },
      );
    }
    case 'refused': {
      const open = decision.openCase;
      if (!open)
        // the registrar may not see the open case: neither its id nor its number, only that the window must decide
        return new HttpProblem('repeat-of-open-case', {
          zh: '该信访人在本类别已有尚未办结的案件，且不在您的办理范围内：请由镇人民来访接待中心窗口登记处理',
          en: 'The petitioner already has an open case of this category that is outside your scope: the clerk at the town’s reception window must handle this matter',
        });
      const label = statusLabel(open.status);
      return new HttpProblem(
        'repeat-of-open-case',
        {
          zh: `该信访人在本类别已有尚未办结的案件 ${open.number}（${label.zh}）：请并入该案（repeatOfOpenCase: {caseId, action: "link"}），或说明另立案件的理由（repeatOfOpenCase: {reason}）`,
          en: `The petitioner already has an open case of this category, ${open.number} (${label.en.toLowerCase()}): link the matter to it (repeatOfOpenCase: {caseId, action: "link"}) or give the reason for a second case (repeatOfOpenCase: {reason})`,
        },
        { extensions: { openCase: openCaseMember(open) } },
      );
    }
  }
}
