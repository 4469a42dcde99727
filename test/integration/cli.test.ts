import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import knexFactory from 'knex';
import '../../server/cli/commands';
import { runCli } from '../../server/cli/index';

// The CLI reads DATABASE_URL like the server; it always gets its own SQLite file here.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cli-'));
const dbFile = path.join(dir, 'cli.sqlite3');
const saved = process.env.DATABASE_URL;
beforeAll(() => {
  process.env.DATABASE_URL = dbFile;
});
afterAll(() => {
  process.env.DATABASE_URL = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(argv: string[], stdin = '') {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (d) => (chunks.out += d));
  err.on('data', (d) => (chunks.err += d));
  const code = await runCli(argv, { stdin: Readable.from([stdin]), stdout: out, stderr: err });
  return { code, ...chunks };
}

describe('command line', () => {
  it('migrates an empty database, then reports it up to date', async () => {
    const first = await cli(['migrate']);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/applied \d+ migration/);
    expect((await cli(['migrate'])).out).toBe('already up to date\n');
  });

  it('creates an administrator with the password from standard input, hashed with argon2id', async () => {
    const r = await cli(['user:create', '--username', 'admin', '--role', 'admin', '--name', '管理员'], 'a long passphrase\n');
    expect(r).toMatchObject({ code: 0 });
    const db = knexFactory({ client: 'better-sqlite3', connection: { filename: dbFile }, useNullAsDefault: true });
    const row = await db('users').where({ username: 'admin' }).first();
    await db.destroy();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain('a long passphrase');
  });

  it.each([
    [['user:create', '--username', 'x1', '--role', 'head'], 'role head needs --department'],
    [['user:create', '--username', 'x2', '--role', 'boss'], 'unknown role "boss"'],
    [['user:create', '--username', 'x3', '--role', 'staff', '--department', 'nowhere'], 'unknown department "nowhere"'],
    [['user:create', '--username', 'admin', '--role', 'admin'], 'user "admin" already exists'],
  ])('refuses %j with a clear message', async (argv, message) => {
    const r = await cli(argv, 'another long passphrase');
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
  });

  it('prints a new API key once, on standard output', async () => {
    const r = await cli(['apikey:create', '--name', 'food system', '--role', 'head', '--department', 'food']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^pfk_[0-9a-f]{8}_[A-Za-z0-9_-]{32}\n$/);
  });

  it('has --help for every command and a usage error for missing options', async () => {
    for (const name of ['migrate', 'user:create', 'apikey:create']) {
      const r = await cli([name, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`npm run cli -- ${name}`);
    }
    const missing = await cli(['apikey:create']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--name and --role are required');
    expect((await cli(['nonsense'])).code).toBe(2);
  });
});
