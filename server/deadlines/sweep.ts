import type { ItemsRepo } from '../items/repo';
import { LADDER_STEPS, type LadderEvent } from '../workflow/ladder';
import type { Workflow } from '../workflow/service';

export type SweepDeps = { items: ItemsRepo; workflow: Workflow; clock: () => Date };

export type SweepResult = Record<LadderEvent, number>;

/**
 * One deadline sweep: each item whose next ladder step is due (80% warning, 催办 at the deadline,
 * report to leadership five working days later; the same for acknowledgements) gets that step
 * through the workflow, which takes each step once per item and deadline whatever runs the sweep.
 * Items are read in batches through the step's index, one short transaction each.
 */
export function createSweep(deps: SweepDeps) {
  return async function sweep(batch = 200): Promise<SweepResult> {
    const counts = Object.fromEntries(LADDER_STEPS.map((s) => [s.event, 0])) as SweepResult;
    for (const s of LADDER_STEPS) {
      const seen = new Set<number>();
      for (;;) {
        const due = (await deps.items.findLadderDue(s.step, deps.clock(), batch)).filter((i) => !seen.has(i.id));
        if (!due.length) break;
        for (const item of due) {
          seen.add(item.id);
          const { outcome } = await deps.workflow.apply('chase', item.id, { system: true }, { step: s.step }).catch((err) => {
            // An item that left the department (answered, returned) is simply no longer chased.
            if ((err as { status?: number }).status === 409) return deps.items.clearLadderStep(item.id, s.step).then(() => ({ outcome: { events: [] } }));
            throw err;
          });
          if ((outcome.events ?? []).length) counts[s.event]++;
        }
      }
    }
    return counts;
  };
}
