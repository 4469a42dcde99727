import twilio from 'twilio';
import type { Logger } from 'pino';
import type { Db, Tx } from '../db';
import { isUniqueViolation } from '../db';
import { Conflict } from '../errors';
import { OPEN } from '../workflow/states';
import type { Workflow } from '../workflow/service';
import type { ItemsRepo } from '../items/repo';
import type { ItemService } from '../items/service';
import type { Taxonomy } from '../taxonomy/service';
import { detectLang, parseSmsCommand } from './commands';
import type { SmsRepo } from './repo';
import { smsTexts } from './texts';
import type { SmsJournal } from './journal';

export type InboundSms = {
  sid: string;
  from: string;
  to: string | null;
  body: string;
  media: { url: string; contentType: string }[];
};

export type InboundDeps = {
  db: Db;
  repo: SmsRepo;
  itemsRepo: ItemsRepo;
  items: ItemService;
  workflow: Workflow;
  taxonomy: () => Taxonomy;
  clock: () => Date;
  tz: string;
  threadWindowMs: number;
  /** Sends a reply that missed the webhook's time budget as an ordinary outbound text. */
  sendLate(to: string, body: string, key: string): Promise<void>;
  logger: Logger;
  /** How long the webhook may wait for the full reply before answering "received, code follows". */
  replyBudgetMs: number;
  /** Where a delivery answered before it was committed is kept until it is (SPEC §11). */
  journal: SmsJournal;
};

// Thrown inside the transaction to roll back a text refused by the rate limit: nothing is stored.
const REFUSED = new Error('refused by rate limit');

/** The text inside a TwiML reply (what the citizen reads), or null for an empty <Response/>. */
export function replyText(xml: string | null): string | null {
  const m = /<Message>([\s\S]*?)<\/Message>/.exec(xml ?? '');
  if (!m) return null;
  return m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** TwiML for a reply; no text means an empty <Response/> (Twilio sends nothing). */
export function twiml(text: string | null): string {
  const r = new twilio.twiml.MessagingResponse();
  if (text) r.message(text);
  return r.toString();
}

// Control characters other than tab and newline, and lone surrogates: no phone shows them, and
// PostgreSQL refuses NUL in text. They are dropped so the rest of the citizen's text still counts.
const UNSTORABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The body as it is stored and read: line breaks as LF, unstorable characters removed. */
export function cleanSmsBody(body: string): string {
  return body.replace(/\r\n?/g, '\n').replace(UNSTORABLE, '');
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The SMS channel's rules: each delivery is handled once (keyed on MessageSid inside one
 * transaction), commands never create items, and a follow-up within the window joins the open item.
 */
export function createSmsInbound(deps: InboundDeps) {
  async function process(sms: InboundSms, tx: Tx): Promise<{ command: string; itemId: number | null; reply: string | null }> {
    const cmd = parseSmsCommand(sms.body);
    const lang = cmd.type !== 'message' && cmd.type !== 'rating' ? cmd.lang : detectLang(sms.body);
    const texts = smsTexts(lang, deps.taxonomy(), deps.tz);
    const now = deps.clock();
    const citizen = { citizen: true } as const;

    switch (cmd.type) {
      case 'optout':
        await deps.repo.setOptOut(sms.from, true, 'keyword', now, tx);
        return { command: 'optout', itemId: null, reply: null };
      case 'optin': {
        await deps.repo.setOptOut(sms.from, false, 'keyword', now, tx);
        // START is an English keyword, but a citizen who wrote to us in Chinese is answered in Chinese.
        const known = await deps.itemsRepo.findLatestByPhone(sms.from, tx);
        return { command: 'optin', itemId: null, reply: smsTexts(known?.lang ?? cmd.lang, deps.taxonomy(), deps.tz).optin() };
      }
      case 'help':
        return { command: 'help', itemId: null, reply: texts.help() };
      case 'status': {
        const item = cmd.code ? await deps.itemsRepo.findByCode(cmd.code, tx) : await deps.itemsRepo.findLatestByPhone(sms.from, tx);
        // Only the sender's own items: another code answers exactly like a missing one.
        if (!item || item.contactPhone !== sms.from) return { command: 'status', itemId: null, reply: texts.notFound() };
        return { command: 'status', itemId: item.id, reply: smsTexts(cmd.lang, deps.taxonomy(), deps.tz).status(item) };
      }
      case 'rating': {
        const item = await deps.itemsRepo.findAwaitingRating(sms.from, tx);
        if (!item) return { command: 'rating', itemId: null, reply: texts.help() };
        try {
          await deps.workflow.apply('rate', item.id, citizen, { value: cmd.value }, { tx });
        } catch (err) {
          // A second rating sent at the same moment lost the race (the first one counts), or the window closed.
          if (!(err instanceof Conflict)) throw err;
        }
        const replyTexts = smsTexts(item.lang, deps.taxonomy(), deps.tz);
        return { command: 'rating', itemId: item.id, reply: cmd.value === 3 ? replyTexts.rateWhy() : replyTexts.rated() };
      }
      case 'message':
        break;
    }

    const text = sms.body.normalize('NFC').trim();
    if (!text && !sms.media.length) return { command: 'empty', itemId: null, reply: texts.empty() };
    // The text after an unsatisfied rating says why (sms.rateWhy asked for it): it is not a new report.
    const unhappy = text ? await deps.itemsRepo.findAwaitingRatingReason(sms.from, new Date(now.getTime() - deps.threadWindowMs), tx) : null;
    if (unhappy) {
      await deps.workflow.apply('explain', unhappy.id, citizen, { reason: text }, { tx });
      return { command: 'rating_reason', itemId: unhappy.id, reply: smsTexts(unhappy.lang, deps.taxonomy(), deps.tz).rated() };
    }
    const threadId = await deps.repo.findThreadItemId(sms.from, new Date(now.getTime() - deps.threadWindowMs), tx);
    const open = threadId ? await deps.itemsRepo.findById(threadId, tx) : null;
    const media = sms.media.map((m) => ({ source: 'url' as const, contentType: m.contentType, size: null, sha256: null, storageKey: null, url: m.url }));
    if (open && OPEN.includes(open.status)) {
      await deps.workflow.apply('supplement', open.id, citizen, { text, media }, { tx });
      return { command: 'supplement', itemId: open.id, reply: texts.supplement(open) };
    }
    const { item } = await deps.items.submit(
      {
        channel: 'sms',
        kind: 'complaint',
        text,
        topic: null,
        contact: { name: null, phone: sms.from, email: null },
        anonymous: false,
        consentPublish: false,
        lang,
        ip: null,
        userAgent: null,
        mediaUrls: sms.media,
      },
      { tx },
    );
    return { command: 'item', itemId: item.id, reply: texts.ack(item) };
  }

  const api = {
    /**
     * Answers within the time budget whatever the load: if the full reply is not ready in time, the
     * webhook gets a short "received" reply and the full one (with the tracking code) follows as an
     * outbound text once the delivery has been handled.
     */
    async receiveInTime(delivery: InboundSms, opts: { admit?: () => boolean | Promise<boolean> } = {}): Promise<string> {
      const work = api.receive(delivery, opts);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), deps.replyBudgetMs);
      });
      const first = await Promise.race([work, late]);
      clearTimeout(timer);
      if (first !== null) return first;
      // The citizen is about to hear "received": the delivery must survive this process first.
      await deps.journal.write(delivery);
      work
        .then(async (xml) => {
          await api.finishLate(delivery, xml);
        })
        .catch((err) => deps.logger.error({ err, sid: delivery.sid }, 'late SMS handling failed; it stays in the journal'));
      // An opt-out is answered by Twilio itself; everything else hears that the text arrived.
      if (parseSmsCommand(delivery.body).type === 'optout') return twiml(null);
      return twiml(smsTexts(detectLang(delivery.body), deps.taxonomy(), deps.tz).working());
    },

    /** How many deliveries wait in the journal. */
    journalCount: () => deps.journal.count(),

    /** After a late delivery is committed: its full reply follows as a text, and the journal forgets it. */
    async finishLate(delivery: InboundSms, xml: string): Promise<void> {
      const text = replyText(xml);
      if (text) await deps.sendLate(delivery.from, text, `late:${delivery.sid}`);
      await deps.journal.remove(delivery.sid);
    },

    /**
     * Replays the journal: each delivery is handled as if Twilio sent it again (idempotent on its
     * MessageSid), so one that did commit before a crash is not handled twice. Returns how many were
     * settled; those the database still refuses stay for the next run.
     */
    async replayJournal(): Promise<{ replayed: number; waiting: number }> {
      let replayed = 0;
      let waiting = 0;
      for (const delivery of await deps.journal.pending()) {
        try {
          await api.finishLate(delivery, await api.receive(delivery));
          replayed++;
        } catch (err) {
          waiting++;
          deps.logger.warn({ err: (err as Error).message, sid: delivery.sid }, 'journal replay deferred');
        }
      }
      return { replayed, waiting };
    },

    /**
     * Handles one webhook delivery and returns the TwiML to answer with; repeated deliveries get the
     * same. `admit` (a rate limit) is asked only about deliveries not seen before; a refused one is
     * answered with an empty <Response/> and stored nowhere.
     */
    async receive(delivery: InboundSms, opts: { admit?: () => boolean | Promise<boolean> } = {}): Promise<string> {
      const sms = { ...delivery, body: cleanSmsBody(delivery.body) };
      // The insert comes first: a redelivery fails on the unique MessageSid and is answered from the
      // stored reply below, so a new text costs no extra lookup. Only new texts count against `admit`.
      const handle = () =>
        deps.db.transaction(async (tx) => {
          await deps.repo.insertInbound({ sid: sms.sid, from: sms.from, to: sms.to, body: sms.body, numMedia: sms.media.length }, deps.clock(), tx);
          if (opts.admit && !(await opts.admit())) throw REFUSED;
          const result = await process(sms, tx);
          const reply = twiml(result.reply);
          await deps.repo.completeInbound(sms.sid, { command: result.command, itemId: result.itemId, reply }, tx);
          return reply;
        });
      for (let attempt = 0; ; attempt++) {
        try {
          return await handle();
        } catch (err) {
          if (err === REFUSED) return twiml(null);
          if (!isUniqueViolation(err)) throw err;
          // No row for this MessageSid: the violation was something else (a new item's random
          // tracking code taken), which the whole transaction can simply try again.
          if (!(await deps.repo.findInboundReply(sms.sid))) {
            if (attempt < 3) continue;
            throw err;
          }
          // Another copy of this delivery committed first: answer with its reply.
          for (let i = 0; i < 30; i++) {
            const done = await deps.repo.findInboundReply(sms.sid);
            if (done?.reply) return done.reply;
            await sleep(50);
          }
          throw err;
        }
      }
    },
  };
  return api;
}

export type SmsInbound = ReturnType<typeof createSmsInbound>;
