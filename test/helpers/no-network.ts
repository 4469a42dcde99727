// Tests talk only to loopback: any other outbound connection is a bug in the test or the code.
import net from 'node:net';

const original = net.Socket.prototype.connect;
const LOCAL = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

net.Socket.prototype.connect = function patched(this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string; port?: number } | number | string;
  const host = typeof first === 'object' && first !== null ? first.host : typeof args[1] === 'string' ? args[1] : undefined;
  const isPipe = typeof first === 'object' && first !== null && 'path' in first && first.path;
  if (!isPipe && host !== undefined && !LOCAL.has(host)) {
    throw new Error(`network access blocked in tests: ${host}`);
  }
  return (original as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
