// Minimal HTTP service in TypeScript on Node's standard library only: the
// compiler and Node's type definitions are its only (development)
// dependencies.
//
// Endpoints:
//   GET /         service name and version
//   GET /healthz  liveness: the process is up and serving
//   GET /readyz   readiness: dependencies are reachable and we are not draining
//
// Configuration comes from the environment (PORT, LOG_LEVEL{% if database == 'postgres' %}, PGHOST, PGPORT{% endif %}{% if cache == 'redis' %}, REDIS_HOST, REDIS_PORT{% endif %}).
// Logs are JSON lines on stdout. SIGTERM and SIGINT stop accepting connections,
// finish in-flight requests and exit 0.
import http from 'node:http';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

export const SERVICE = '{{ project_name }}';
export const VERSION = '{{ app_version }}';

// Sent with every response: a JSON API is never sniffed, framed, cached or
// given a referrer. The Ingress cannot add them on a default ingress-nginx.
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export type Level = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Readonly<Record<Level, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

function isLevel(name: string): name is Level {
  return Object.hasOwn(LEVELS, name);
}

const configured = (process.env.LOG_LEVEL ?? 'info').toLowerCase();
const threshold = isLevel(configured) ? LEVELS[configured] : LEVELS.info;

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  if (LEVELS[level] < threshold) return;
  const entry = { time: new Date().toISOString(), level, service: SERVICE, msg, ...fields };
  process.stdout.write(`${JSON.stringify(entry)}\n`);
}

// A TCP dependency that readiness checks.
export type Dependency = readonly [name: string, host: string, port: number];

// Every TCP dependency configured in the environment.
export function dependencies(env: NodeJS.ProcessEnv = process.env): Dependency[] {
  const deps: Dependency[] = [];
  if (env.PGHOST) deps.push(['postgres', env.PGHOST, Number(env.PGPORT || 5432)]);
  if (env.REDIS_HOST) deps.push(['redis', env.REDIS_HOST, Number(env.REDIS_PORT || 6379)]);
  return deps;
}

function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

type Reply = readonly [status: number, body: Readonly<Record<string, unknown>>];

// The server, with the draining flag that readiness reports.
export type Service = http.Server & { state: { draining: boolean } };

export function createServer({ deps = [] }: { deps?: readonly Dependency[] } = {}): Service {
  const state = { draining: false };

  async function readiness(): Promise<Reply> {
    if (state.draining) return [503, { status: 'draining' }];
    const results = await Promise.all(deps.map(([, host, port]) => reachable(host, port)));
    const down = deps.filter((_, i) => !results[i]).map(([name]) => name);
    return down.length ? [503, { status: 'unavailable', down }] : [200, { status: 'ready' }];
  }

  async function route(req: http.IncomingMessage): Promise<Reply> {
    if (req.method !== 'GET') return [405, { error: 'method not allowed' }];
    switch (req.url) {
      case '/healthz':
        return [200, { status: 'ok' }];
      case '/readyz':
        return readiness();
      case '/':
        return [200, { service: SERVICE, version: VERSION }];
      default:
        return [404, { error: 'not found' }];
    }
  }

  const server = http.createServer(async (req, res) => {
    const [status, body] = await route(req);
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(payload),
    });
    res.end(payload);
    log('info', 'request', { method: req.method, path: req.url, status });
  });
  return Object.assign(server, { state });
}

export function main(): void {
  const port = Number(process.env.PORT || {{ port }});
  const server = createServer({ deps: dependencies() });
  server.listen(port, () => log('info', 'listening', { port, version: VERSION }));

  const stop = (signal: NodeJS.Signals): void => {
    log('info', 'shutting down', { signal });
    server.state.draining = true;
    // Stop accepting, let in-flight requests finish, drop idle keep-alive sockets.
    server.close(() => {
      log('info', 'stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => {
      log('error', 'forced exit after drain timeout');
      process.exit(1);
    }, 25_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  main();
}
