import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig, ConfigError } from '../config';
import { buildContainer, type Container } from '../container';
import { createDb, migrate } from '../db';
import { AppError } from '../errors';

type Io = { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
type Command = { usage: string; run(args: string[], io: Io): Promise<number> };

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}

export async function withContainer<T>(fn: (c: Container) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const c = await buildContainer(config, { logger: pino({ level: 'silent' }) });
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

const commands: Record<string, Command> = {
  migrate: {
    usage: 'migrate\n  Runs pending database migrations (DATABASE_URL, default data/app.sqlite3).',
    async run(_args, io) {
      const config = loadConfig();
      const db = createDb(config.database);
      try {
        const applied = await migrate(db);
        io.stdout.write(applied.length ? `applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}\n` : 'already up to date\n');
      } finally {
        await db.destroy();
      }
      return 0;
    },
  },
  'user:create': {
    usage:
      'user:create --username U --role R [--department CODE] [--name N] [--phone P] [--email E]\n  Creates a staff account; the password is read from standard input. Alerts go to the phone by SMS and, when SMTP_URL is set, to the email.\n  Roles: admin, dispatcher, head, staff, inspector, auditor (head and staff need --department).\n  Example: echo "a long passphrase" | npm run cli -- user:create --username admin --role admin',
    async run(args, io) {
      const { values } = parseArgs({ args, options: { username: { type: 'string' }, role: { type: 'string' }, department: { type: 'string' }, name: { type: 'string' }, phone: { type: 'string' }, email: { type: 'string' } } });
      if (!values.username || !values.role) throw new UsageError('--username and --role are required');
      const password = (await readStdin(io.stdin)).replace(/\r?\n$/, '');
      return withContainer(async (c) => {
        const u = await c.users.createUser({ username: values.username as string, password, role: values.role as string, departmentCode: values.department ?? null, name: values.name ?? null, phone: values.phone ?? null, email: values.email ?? null });
        io.stdout.write(`created user ${u.username} (id ${u.id}, role ${u.role})\n`);
        return 0;
      });
    },
  },
  'apikey:create': {
    usage: 'apikey:create --name N --role R [--department CODE]\n  Creates an API key for GET /api/v1/...; the key is printed once and only its hash is stored.',
    async run(args, io) {
      const { values } = parseArgs({ args, options: { name: { type: 'string' }, role: { type: 'string' }, department: { type: 'string' } } });
      if (!values.name || !values.role) throw new UsageError('--name and --role are required');
      return withContainer(async (c) => {
        const k = await c.users.createApiKey({ name: values.name as string, role: values.role as string, departmentCode: values.department ?? null });
        io.stdout.write(`${k.key}\n`);
        io.stderr.write(`API key ${k.id} (role ${k.role}) created. Store it now: it cannot be shown again.\n`);
        return 0;
      });
    },
  },
};

class UsageError extends Error {}

export function registerCommand(name: string, command: Command) {
  commands[name] = command;
}

function help(): string {
  return `Usage: npm run cli -- <command> [options]\n\nCommands:\n${Object.entries(commands)
    .map(([name, c]) => `  ${name.padEnd(18)} ${c.usage.split('\n')[1]?.trim() ?? ''}`)
    .join('\n')}\n\nEvery command accepts --help.\n`;
}

/** Runs one CLI command; returns the process exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === 'help') {
    io.stdout.write(help());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`Usage: npm run cli -- ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`${(err as Error).message}\n\nUsage: npm run cli -- ${command.usage}\n`);
      return 2;
    }
    if (err instanceof AppError || err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
