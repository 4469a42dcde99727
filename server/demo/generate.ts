import { seededRandom } from '../classifier/rng';
import { seedExamples } from '../classifier/seed';
import type { WorkCalendar } from '../deadlines/calendar';
import { computeDeadlines, type WorkingHours } from '../deadlines/working-time';
import { CROCKFORD } from '../items/code';
import type { Channel, Kind, Status } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';
import { ladderFor } from '../workflow/ladder';
import { WITH_DEPARTMENT } from '../workflow/states';
import type { DemoRepo, DemoRow } from './repo';

export type GenerateDeps = { repo: DemoRepo; taxonomy: Taxonomy; calendar: WorkCalendar; hours: WorkingHours; now: Date };
export type Progress = (done: number, total: number) => void;

const BATCH = 2_000;
const DAY = 86_400_000;
const SPAN_DAYS = 730;

const CHANNELS: [Channel, number][] = [['web', 35], ['sms', 30], ['phone', 12], ['mailbox', 8], ['paper', 5], ['visit', 5], ['api', 3], ['consultation', 2]];
const KINDS: [Kind, number][] = [['complaint', 55], ['report', 15], ['inquiry', 15], ['suggestion', 10], ['praise', 5]];

function pick<T>(table: [T, number][], r: number): T {
  const total = table.reduce((n, [, w]) => n + w, 0);
  let x = r * total;
  for (const [v, w] of table) if ((x -= w) < 0) return v;
  return table[table.length - 1][0];
}

type Ev = { type: string; at: number; from: Status | null; to: Status | null; actor: 'citizen' | 'system' | 'user'; data?: Record<string, unknown>; note?: string | null; visibility: 'public' | 'internal' };

/**
 * Fills an empty database with realistic items over the last two years: every channel, kind,
 * category and status, with the events the workflow writes (routing, signing, extensions, answers,
 * ratings, reopenings, returns), deadlines in working time and the escalation ladder of open items.
 * Deterministic for a seed. Refuses a database that already holds items.
 */
export async function generateDemo(deps: GenerateDeps, opts: { items: number; seed?: number; progress?: Progress }): Promise<{ items: number; events: number }> {
  if ((await deps.repo.countItems()) > 0) throw new Error('the database already holds items: demo:generate fills an empty database only');
  const rand = seededRandom(opts.seed ?? 1);
  const examples = seedExamples();
  const byLabel = new Map<string, string[]>();
  for (const e of examples) byLabel.set(e.label, [...(byLabel.get(e.label) ?? []), e.text]);
  const categories = deps.taxonomy.categories.filter((c) => c.active && byLabel.has(c.code));
  const codes = new Set<string>();
  const start = deps.now.getTime() - SPAN_DAYS * DAY;
  let events = 0;
  let made = 0;

  const code = () => {
    for (;;) {
      let s = '';
      for (let i = 0; i < 8; i++) s += CROCKFORD[Math.floor(rand() * 32)];
      if (!codes.has(s)) {
        codes.add(s);
        return s;
      }
    }
  };

  while (made < opts.items) {
    const n = Math.min(BATCH, opts.items - made);
    const rows: DemoRow[] = [];
    const timelines: Ev[][] = [];
    for (let k = 0; k < n; k++) {
      const i = made + k;
      // Chronological, so ids follow time as they do in real life; a little jitter within the slot.
      const created = Math.floor(start + ((i + rand()) / opts.items) * SPAN_DAYS * DAY);
      const ageDays = (deps.now.getTime() - created) / DAY;
      const category = categories[Math.floor(rand() * categories.length)];
      const channel: Channel = category.restricted ? 'mailbox' : pick(CHANNELS, rand());
      const texts = byLabel.get(category.code) as string[];
      const text = texts[Math.floor(rand() * texts.length)];
      const anonymous = channel === 'mailbox' && rand() < 0.4;
      const phone = anonymous ? null : `+86138${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`;
      const triaged = rand() < 0.2;
      const ev: Ev[] = [{ type: 'received', at: created, from: null, to: 'received', actor: channel === 'paper' || channel === 'phone' || channel === 'visit' ? 'user' : 'citizen', data: { channel }, visibility: 'public' }];
      // Older items have finished their course; recent ones are spread over the open statuses.
      const stage = ageDays > 45 ? 6 : Math.floor(rand() * 7); // 0 triage, 1 assigned, 2 accepted, 3 answered, 4 reopened, 5 closed, 6 closed (rated)
      const rejected = rand() < 0.01;
      const routedAt = triaged ? created + Math.floor(rand() * 4 * 3600_000) : created;
      let status: Status = triaged ? 'triage' : 'assigned';
      ev.push({ type: triaged ? 'triaged' : 'routed', at: created, from: 'received', to: status, actor: 'system', data: triaged ? { reason: 'unsure' } : { category: category.code, department: category.departmentCode }, visibility: 'public' });
      const due = computeDeadlines(new Date(routedAt), category, deps.calendar, deps.hours);
      let replyDue = due.replyDueAt.getTime();
      let assigneeId: number | null = null;
      let answeredAt: number | null = null;
      let closedAt: number | null = null;
      let satisfaction: number | null = null;
      if (rejected && stage > 0) {
        status = 'rejected';
        ev.push({ type: 'rejected', at: routedAt + 3600_000, from: triaged ? 'triage' : 'assigned', to: 'rejected', actor: 'user', note: '无效信息', visibility: 'internal' });
      } else if (stage > 0 || !triaged) {
        if (triaged) ev.push({ type: 'routed', at: routedAt, from: 'triage', to: 'assigned', actor: 'user', data: { category: category.code, department: category.departmentCode }, visibility: 'public' });
        status = 'assigned';
        if (stage >= 2) {
          const signed = Math.min(routedAt + Math.floor(rand() * category.ackHours * 3600_000), due.ackDueAt.getTime() + (rand() < 0.05 ? DAY : 0));
          assigneeId = 1 + Math.floor(rand() * 50);
          status = 'accepted';
          ev.push({ type: 'accepted', at: signed, from: 'assigned', to: 'accepted', actor: 'user', data: { department: category.departmentCode }, visibility: 'public' });
          if (rand() < 0.06) {
            const extended = Math.min(due.maxDueAt.getTime(), replyDue + 2 * DAY);
            ev.push({ type: 'extension_requested', at: signed + 3600_000, from: null, to: null, actor: 'user', note: '需要现场核查', visibility: 'internal' });
            if (stage >= 3 || rand() < 0.5) {
              ev.push({ type: 'extension_approved', at: signed + 7200_000, from: null, to: null, actor: 'user', data: { replyDueAt: new Date(extended).toISOString() }, visibility: 'public' });
              replyDue = extended;
            } else ev.push({ type: 'extension_refused', at: signed + 7200_000, from: null, to: null, actor: 'user', note: '理由不充分', visibility: 'internal' });
          }
          if (stage >= 3) {
            // Most answers come in time; one in eight is late.
            const late = rand() < 0.12;
            answeredAt = late ? replyDue + Math.floor(rand() * 3 * DAY) : signed + Math.floor(rand() * Math.max(1, replyDue - signed));
            status = 'answered';
            ev.push({ type: 'answered', at: answeredAt, from: 'accepted', to: 'answered', actor: 'user', note: '经核查，已依法处理并责令整改。', visibility: 'public' });
            if (stage >= 4 && rand() < 0.7) {
              satisfaction = pick([[1, 65], [2, 22], [3, 13]], rand());
              ev.push({ type: 'rated', at: answeredAt + DAY, from: null, to: null, actor: 'citizen', data: { satisfaction }, visibility: 'public' });
              if (satisfaction === 3 && rand() < 0.5) {
                ev.push({ type: 'reopened', at: answeredAt + 2 * DAY, from: 'answered', to: 'reopened', actor: 'user', note: '请重新核查', visibility: 'public' });
                status = 'reopened';
                replyDue = answeredAt + 5 * DAY;
                if (stage >= 5) {
                  answeredAt += 4 * DAY;
                  ev.push({ type: 'answered', at: answeredAt, from: 'reopened', to: 'answered', actor: 'user', note: '复查后已立案查处。', visibility: 'public' });
                  status = 'answered';
                  satisfaction = null;
                }
              }
            }
            if (stage >= 5 && status === 'answered') {
              closedAt = answeredAt + 2 * DAY;
              status = 'closed';
              ev.push({ type: 'closed', at: closedAt, from: 'answered', to: 'closed', actor: 'user', visibility: 'public' });
            }
          }
        }
      }
      const open = WITH_DEPARTMENT.includes(status);
      const ladder = open ? ladderFor({ assignedAt: new Date(routedAt), ackDueAt: status === 'assigned' ? due.ackDueAt : null, replyDueAt: new Date(replyDue) }, deps.calendar, deps.hours) : null;
      const withDept = status !== 'triage' && !(status === 'rejected' && triaged);
      rows.push({
        code: code(),
        channel,
        kind: pick(KINDS, rand()),
        status,
        text,
        category_code: withDept ? category.code : null,
        department_code: withDept ? category.departmentCode : null,
        assignee_id: assigneeId,
        contact_phone: phone,
        contact_name: null,
        contact_email: null,
        anonymous,
        consent_publish: rand() < 0.3,
        lang: rand() < 0.95 ? 'zh' : 'en',
        ack_due_at: withDept ? due.ackDueAt : null,
        reply_due_at: withDept ? new Date(replyDue) : null,
        max_due_at: withDept ? due.maxDueAt : null,
        assigned_at: withDept ? new Date(routedAt) : null,
        answered_at: answeredAt === null ? null : new Date(answeredAt),
        closed_at: closedAt === null ? null : new Date(closedAt),
        satisfaction,
        rated_at: satisfaction === null ? null : new Date((answeredAt ?? created) + DAY),
        satisfaction_requested_at: closedAt === null ? null : new Date(closedAt),
        pending_extension_id: null,
        ack_chase_at: ladder?.ackChaseAt ?? null,
        ack_escalate_at: ladder?.ackEscalateAt ?? null,
        warn_at: ladder?.warnAt ?? null,
        chase_at: ladder?.chaseAt ?? null,
        escalate_at: ladder?.escalateAt ?? null,
        created_at: new Date(created),
        updated_at: new Date(ev[ev.length - 1].at),
      });
      timelines.push(ev);
    }
    await deps.repo.insertBatch(rows, (ids) =>
      ids.flatMap((id, k) =>
        timelines[k].map((e) => ({
          item_id: id,
          type: e.type,
          actor_type: e.actor,
          actor_id: e.actor === 'user' ? String(1 + (id % 50)) : null,
          from_status: e.from,
          to_status: e.to,
          data: e.data ? JSON.stringify(e.data) : null,
          note: e.note ?? null,
          visibility: e.visibility,
          created_at: new Date(e.at),
        })),
      ),
    );
    events += timelines.reduce((s, t) => s + t.length, 0);
    made += n;
    opts.progress?.(made, opts.items);
  }
  return { items: made, events };
}
