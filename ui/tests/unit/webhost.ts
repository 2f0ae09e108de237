// The real web host (`confab-web`, built by cargo) for facade tests that
// involve the server: one process per user, each with its own data
// directory, reached through the real `WebBackend` (the UI's own bridge
// client). Node's WebSocket and fetch are given the host's session cookie
// and Origin, as a browser that opened the printed URL sends them.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebBackend } from '../../src/lib/backend/web';
import { Tim } from '../../src/lib/tim';
import type { TimEventName, TimEvent } from '../../src/lib/tim';

/** The cargo target directory (`CARGO_TARGET_DIR`, else the shared cache), as the E2E harness uses. */
const TARGET = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/confab/target');
const WEB_BIN = join(TARGET, 'debug', 'confab-web');

/** Cookie and Origin per host port. */
const hosts = new Map<string, { cookie: string; origin: string }>();

function credentialsFor(url: string | URL): { cookie: string; origin: string } | undefined {
  return hosts.get(new URL(String(url)).port);
}

let installed = false;

/** Node's WebSocket and fetch, with the cookie and Origin of the host a URL names. */
function installBrowserCredentials(): void {
  if (installed) return;
  installed = true;
  const NodeWebSocket = globalThis.WebSocket;
  if (!NodeWebSocket) throw new Error('no WebSocket in this Node (run vitest with --experimental-websocket)');
  class HostWebSocket extends NodeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      const credentials = credentialsFor(url);
      // undici's WebSocket takes `{headers}` as its second argument.
      super(url, (credentials ? { protocols, headers: credentials } : protocols) as string[]);
    }
  }
  globalThis.WebSocket = HostWebSocket as typeof WebSocket;
  const nodeFetch = globalThis.fetch;
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const credentials = credentialsFor(url);
    if (!credentials) return nodeFetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set('cookie', credentials.cookie);
    headers.set('origin', credentials.origin);
    return nodeFetch(input, { ...init, headers, ...(init?.body ? { duplex: 'half' } : {}) } as RequestInit);
  };
}

/** One running web host and a facade over it. */
export interface WebHost {
  /** The host's UI origin, `http://127.0.0.1:<port>`. */
  origin: string;
  /** A facade over a fresh bridge connection (a page load). */
  tim: Tim;
  /** A new page load: a new bridge connection and a new facade (the host and its SDK keep running). */
  reload(): Tim;
  /** Stops the host and removes its data. */
  stop(): Promise<void>;
}

/** Starts `confab-web` on an ephemeral port with a fresh data directory. */
export async function startWebHost(name: string): Promise<WebHost> {
  if (!existsSync(WEB_BIN)) throw new Error(`${WEB_BIN} is missing: cargo build -p confab-webhost first`);
  installBrowserCredentials();
  const dataDir = mkdtempSync(join(tmpdir(), `confab-vitest-${name}-`));
  const child = spawn(WEB_BIN, ['--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, CONFAB_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const match = await printed(child, /confab-web listening on (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([0-9a-f]+)/);
  const [, origin, port, token] = match;
  hosts.set(port, { cookie: `confab_web_${port}=${token}`, origin });
  const backends: WebBackend[] = [];
  const open = () => {
    const backend = new WebBackend(`ws://127.0.0.1:${port}/bridge`);
    backends.push(backend);
    return new Tim(backend);
  };
  return {
    origin,
    tim: open(),
    reload: open,
    async stop() {
      for (const b of backends) b.close();
      await stopped(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the match once the child printed `pattern` on stdout; rejects when it exits first. */
function printed(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(pattern);
      if (m) resolve(m);
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`confab-web exited with ${code}\nstdout: ${out}\nstderr: ${err}`)));
  });
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Registers an account on a confabd over its HTTP API; resolves with its UserSig. */
export async function registerAccount(serverUrl: string, userID: string, password: string): Promise<string> {
  const res = await fetch(`${serverUrl}/api/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userID, password }),
  });
  const body = (await res.json()) as { userSig?: string };
  if (!res.ok || typeof body.userSig !== 'string') throw new Error(`register ${userID}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body.userSig;
}

/** Resolves with the first event `name` whose data passes `test`. */
export function nextEvent<K extends TimEventName>(
  tim: Tim,
  name: K,
  test: (data: TimEvent<K>['data']) => boolean = () => true,
): Promise<TimEvent<K>['data']> {
  return new Promise((resolve) => {
    const handler = (event: TimEvent<K>) => {
      if (!test(event.data)) return;
      tim.off(name, handler);
      resolve(event.data);
    };
    tim.on(name, handler);
  });
}
