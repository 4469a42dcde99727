import fs from 'node:fs/promises';
import path from 'node:path';
import type { InboundSms } from './inbound';

const SID = /^[A-Za-z0-9]{2,64}$/;

/**
 * The local journal of texts answered while the database could not take them (SPEC §11): one file per
 * delivery, named by its MessageSid, written and fsynced before the webhook answers, removed once the
 * delivery is committed. A file per delivery keeps replay idempotent and needs no compaction; the
 * directory is fsynced too so the new name survives a power cut.
 */
export function createSmsJournal(dir: string) {
  const fileOf = (sid: string) => {
    if (!SID.test(sid)) throw new Error('not a MessageSid');
    return path.join(dir, `${sid}.json`);
  };

  async function syncDir() {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  return {
    dir,
    /** Appends a delivery durably; resolves only once it is on disk. */
    async write(delivery: InboundSms): Promise<void> {
      await fs.mkdir(dir, { recursive: true });
      const final = fileOf(delivery.sid);
      const temp = `${final}.tmp`;
      const handle = await fs.open(temp, 'w', 0o600);
      try {
        await handle.writeFile(JSON.stringify(delivery));
        await handle.sync();
      } finally {
        await handle.close();
      }
      // Renamed into place so a reader never sees half a file.
      await fs.rename(temp, final);
      await syncDir();
    },
    async remove(sid: string): Promise<void> {
      await fs.rm(fileOf(sid), { force: true });
    },
    /** How many deliveries wait, without reading them (for /readyz). */
    async count(): Promise<number> {
      try {
        return (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).length;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw err;
      }
    },
    /** The deliveries waiting to be replayed, oldest first. */
    async pending(): Promise<InboundSms[]> {
      let names: string[];
      try {
        names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json'));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      const entries = await Promise.all(
        names.map(async (n) => {
          const full = path.join(dir, n);
          const [stat, text] = await Promise.all([fs.stat(full), fs.readFile(full, 'utf8')]);
          return { at: stat.mtimeMs, delivery: JSON.parse(text) as InboundSms };
        }),
      );
      return entries.sort((a, b) => a.at - b.at).map((e) => e.delivery);
    },
  };
}

export type SmsJournal = ReturnType<typeof createSmsJournal>;
