import { timingSafeEqual } from 'node:crypto';
import type { Db, Tx } from '../db';
import { isUniqueViolation } from '../db';
import type { WorkCalendar } from '../deadlines/calendar';
import { computeDeadlines, type WorkingHours } from '../deadlines/working-time';
import type { Router } from '../routing/service';
import { departmentsNamedIn, type Taxonomy } from '../taxonomy/service';
import { ladderFor, type LadderEvent } from '../workflow/ladder';
import { NO_LADDER } from './repo';
import type { FileStore, ImageType } from '../uploads/service';
import { newPin, newTrackingCode } from './code';
import { NEAR_DUPLICATE_DAYS, NEAR_DUPLICATE_SIMILARITY, parseSketch, sketch, sketchSimilarity } from './similarity';
import type { ItemsRepo, NewAttachment } from './repo';
import type { Channel, Item, ItemEvent, Kind, NewEvent } from './types';

export type PinHasher = { hash(pin: string): Promise<string>; verify(hash: string, pin: string): Promise<boolean> };

export type ItemDeps = {
  db: Db;
  items: ItemsRepo;
  router: Router;
  taxonomy: () => Taxonomy;
  calendar: () => WorkCalendar;
  hours: WorkingHours;
  clock: () => Date;
  files: FileStore;
  pins: PinHasher;
  notifier: Notifier;
};

/** Who hears about what happens to an item; implemented by the SMS outbox, inside the same transaction. */
export type Notifier = {
  /** Routed to a department: its head is alerted; `byDispatcher` also tells the citizen, who was told "being routed". */
  itemRouted(item: Item, tx: Tx, opts?: { byDispatcher?: boolean }): Promise<void>;
  itemAnswered(item: Item, answer: string, tx: Tx): Promise<void>;
  /** Closed: the citizen is asked how satisfied they are. */
  itemClosed(item: Item, tx: Tx): Promise<void>;
  /** Sent back to the department (重办): the citizen hears the new date, the department is alerted. */
  itemReopened(item: Item, reason: string, tx: Tx): Promise<void>;
  /** An approved extension: the citizen is told the new reply date. */
  extensionApproved(item: Item, tx: Tx): Promise<void>;
  /** The answer stands after an unsatisfied rating: the citizen is told why. */
  answerUpheld(item: Item, reason: string, tx: Tx): Promise<void>;
  /** A step of the escalation ladder: warning, 催办, report to leadership (SPEC §6). */
  itemChased(item: Item, step: LadderEvent, tx: Tx): Promise<void>;
};

export type SubmitInput = {
  channel: Channel;
  kind: Kind;
  text: string;
  topic: string | null;
  contact: { name: string | null; phone: string | null; email: string | null };
  anonymous: boolean;
  consentPublish: boolean;
  subjectUnit?: string | null;
  subjectPerson?: string | null;
  lang: 'zh' | 'en';
  ip: string | null;
  userAgent: string | null;
  photos?: { buffer: Buffer; contentType: ImageType }[];
  mediaUrls?: { url: string; contentType: string }[];
  /** Staff or a department system that registered what the citizen said on paper, by phone or in person. */
  registeredBy?: { type: 'user' | 'apikey'; id: string; name: string | null };
};

export type SubmitResult = { item: Item; pin: string | null };

// A PIN verification against this hash costs the same as a real one, so a miss reveals nothing.
const DUMMY_PIN_HASH_SOURCE = '000000';

/** Keeps only the digits of a phone number, for comparing its last four. */
export function phoneDigits(phone: string | null): string {
  return (phone ?? '').replace(/\D/g, '');
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createItemService(deps: ItemDeps) {
  let dummyHash: Promise<string> | null = null;

  /** The most similar report of the last days, if one is close enough to be the same thing. */
  async function findNearDuplicate(text: string, categoryCode: string | null, now: Date, tx: Tx) {
    const mine = sketch(text);
    if (!mine) return { sketch: null, match: null };
    const since = new Date(now.getTime() - NEAR_DUPLICATE_DAYS * 24 * 3600_000);
    const own = parseSketch(mine);
    let match: { id: number; code: string; groupId: number | null; similarity: number } | null = null;
    for (const other of await deps.items.listRecentSketches(since, 0, categoryCode, 200, tx)) {
      const similarity = sketchSimilarity(own, parseSketch(other.sketch, other.id));
      if (similarity >= NEAR_DUPLICATE_SIMILARITY && (!match || similarity > match.similarity)) match = { ...other, similarity };
    }
    return { sketch: mine, match };
  }

  return {
    /** Stores a new item with its events, routes it and sets its deadlines, all in one transaction. */
    async submit(input: SubmitInput, opts: { tx?: Tx } = {}): Promise<SubmitResult> {
      const now = deps.clock();
      // Every division a supervision report names, in the "which unit" field or in the text (SPEC §4).
      const conflictDepartments = input.channel === 'mailbox' ? departmentsNamedIn([input.subjectUnit, input.subjectPerson, input.text], deps.taxonomy()) : [];
      let decision = deps.router({ text: input.text, channel: input.channel, topic: input.topic });
      // A report about a division never goes to that division: a dispatcher picks who handles it.
      if (decision.departmentCode && conflictDepartments.includes(decision.departmentCode)) {
        decision = { ...decision, status: 'triage', categoryCode: null, departmentCode: null, reason: 'conflict' };
      }
      const category = deps.taxonomy().category(decision.categoryCode);
      const due =
        decision.status === 'assigned' && category
          ? computeDeadlines(now, category, deps.calendar(), deps.hours)
          : { ackDueAt: null, replyDueAt: null, maxDueAt: null };
      const ladder = due.replyDueAt ? ladderFor({ assignedAt: now, ackDueAt: due.ackDueAt, replyDueAt: due.replyDueAt }, deps.calendar(), deps.hours) : NO_LADDER;
      const pin = input.contact.phone ? null : newPin();
      const pinHash = pin ? await deps.pins.hash(pin) : null;
      const stored = await Promise.all((input.photos ?? []).map((p) => deps.files.save(p.buffer, p.contentType)));
      const attachments: NewAttachment[] = [
        ...stored.map((s) => ({ source: 'upload' as const, contentType: s.contentType, size: s.size, sha256: s.sha256, storageKey: s.storageKey, url: null })),
        ...(input.mediaUrls ?? []).map((m) => ({ source: 'url' as const, contentType: m.contentType, size: null, sha256: null, storageKey: null, url: m.url })),
      ];
      // Anonymous submissions keep no trace of who sent them (SPEC §4).
      const trace = input.anonymous ? { submitterIp: null, userAgent: null } : { submitterIp: input.ip, userAgent: input.userAgent?.slice(0, 300) ?? null };
      const contact = input.anonymous ? { name: null, phone: null, email: null } : input.contact;

      const store = async (tx: Tx, code: string) => {
        const near = await findNearDuplicate(input.text, decision.categoryCode, now, tx);
        const groupId = near.match ? (near.match.groupId ?? near.match.id) : null;
        const fields = {
          code,
          channel: input.channel,
          kind: input.kind,
          status: decision.status,
          text: input.text,
          categoryCode: decision.categoryCode,
          departmentCode: decision.departmentCode,
          contactName: contact.name,
          contactPhone: contact.phone,
          contactEmail: contact.email,
          pinHash,
          anonymous: input.anonymous,
          consentPublish: input.consentPublish,
          subjectUnit: input.subjectUnit ?? null,
          subjectPerson: input.subjectPerson ?? null,
          conflictDepartments,
          assignedAt: due.replyDueAt ? now : null,
          lang: input.lang,
          classification: decision.classification,
          ...due,
          createdAt: now,
          ...trace,
        };
        const item = await deps.items.insert({ ...fields, dupSketch: near.sketch, duplicateGroupId: groupId, ladder }, tx);
        const id = item.id;
        const events: NewEvent[] = [
          {
            type: 'received',
            actorType: input.registeredBy?.type ?? 'citizen',
            actorId: input.registeredBy?.id ?? null,
            fromStatus: null,
            toStatus: 'received',
            data: { channel: input.channel, kind: input.kind, topic: input.topic, attachments: attachments.length, ...(input.registeredBy ? { by: input.registeredBy.name } : {}) },
            note: null,
            visibility: 'public',
          },
          {
            type: decision.status === 'assigned' ? 'routed' : 'triaged',
            actorType: 'system',
            actorId: null,
            fromStatus: 'received',
            toStatus: decision.status,
            data: { category: decision.categoryCode, department: decision.departmentCode, reason: decision.reason, ...due },
            note: null,
            visibility: 'public',
          },
        ];
        if (near.match) {
          const similarity = Math.round(near.match.similarity * 100) / 100;
          events.push({ type: 'grouped', actorType: 'system', actorId: null, fromStatus: null, toStatus: null, data: { groupId, similarTo: near.match.code, similarity }, note: null, visibility: 'internal' });
          if (near.match.groupId === null && groupId !== null) await deps.items.joinGroup(near.match.id, groupId, now, tx);
        }
        await deps.items.appendEvents(id, events, now, tx);
        await deps.items.insertAttachments(id, attachments, now, tx);
        if (item.status === 'assigned') await deps.notifier.itemRouted(item, tx);
        return item;
      };
      // Inside a caller's transaction a collision cannot be retried (PostgreSQL aborts the transaction).
      if (opts.tx) return { item: await store(opts.tx, newTrackingCode()), pin };
      for (let attempt = 0; ; attempt++) {
        try {
          const item = await deps.db.transaction((tx) => store(tx, newTrackingCode()));
          return { item, pin };
        } catch (err) {
          // 40 random bits make a collision rare; retry a few times rather than fail the citizen.
          if (isUniqueViolation(err) && attempt < 5) continue;
          throw err;
        }
      }
    },

    /**
     * Public lookup: the code and a second factor (last 4 phone digits, or the PIN). Any mismatch
     * returns null, and the work done is the same whichever part was wrong.
     */
    async track(code: string, verifier: string): Promise<{ item: Item; events: ItemEvent[] } | null> {
      const item = await deps.items.findByCode(code);
      let ok = false;
      if (item && item.contactPhone && /^\d{4}$/.test(verifier)) {
        ok = sameString(phoneDigits(item.contactPhone).slice(-4), verifier);
      } else if (item && item.pinHash && /^\d{6}$/.test(verifier)) {
        ok = await deps.pins.verify(item.pinHash, verifier);
      } else {
        dummyHash ??= deps.pins.hash(DUMMY_PIN_HASH_SOURCE);
        await deps.pins.verify(await dummyHash, verifier.padEnd(6, '0'));
      }
      if (!item || !ok) return null;
      return { item, events: await deps.items.listEvents(item.id, { publicOnly: true }) };
    },

    async findByCode(code: string): Promise<{ item: Item; events: ItemEvent[] } | null> {
      const item = await deps.items.findByCode(code);
      if (!item) return null;
      return { item, events: await deps.items.listEvents(item.id) };
    },
  };
}

export type ItemService = ReturnType<typeof createItemService>;
