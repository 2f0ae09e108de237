// The real processes both E2E harnesses start (tests/e2e/harness.mjs for
// the desktop app, ui/tests/e2e/harness.mjs for the browser): confabd, the
// confab CLI (one command, or `listen` in the background), temporary
// directories, and the binaries in the cargo target directory. Nothing
// here is faked; nothing here knows about a browser or the desktop app.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The cargo target directory (`CARGO_TARGET_DIR`, else the shared cache). */
export const TARGET = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/confab/target');

/** A binary built into the target directory (`debug` unless another profile is named). */
export const binOf = (name, profile = 'debug') => join(TARGET, profile, name);

/** A fresh directory `<tmp>/<name>-XXXXXX`. */
export function makeTempDir(name) {
  return mkdtempSync(join(tmpdir(), `${name}-`));
}

/** Removes a directory and everything in it (best effort: a test's cleanup never fails it). */
export function removeDir(dir) {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
}

/**
 * Spawns a process and resolves with `{child, match}` once its output on
 * `stream` (stdout by default) matches `pattern`; rejects with both
 * outputs when it exits first or `timeout` ms pass.
 */
export function spawnUntil(cmd, args, { env = {}, pattern, name, timeout = 30_000, stream = 'stdout' }) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = { stdout: '', stderr: '' };
    const both = () => `stdout: ${output.stdout}\nstderr: ${output.stderr}`;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name}: no ${pattern} within ${timeout} ms\n${both()}`));
    }, timeout);
    const onData = (which) => (d) => {
      if (process.env.E2E_VERBOSE) process.stderr.write(`[${name}] ${d}`);
      output[which] += d;
      const m = which === stream && output[which].match(pattern);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, match: m });
      }
    };
    child.stdout.on('data', onData('stdout'));
    child.stderr.on('data', onData('stderr'));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}\n${both()}`));
    });
  });
}

/** Stops a child (SIGTERM, then SIGKILL after 5 s); resolves once it exited. */
export function stopChild(child) {
  return new Promise((res) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/**
 * A real confabd on 127.0.0.1 (port 0 = any) over `dataDir`, restartable
 * on the same port and data. `env` adds CONFABD_* settings.
 */
export async function startConfabd({ dataDir, listen = '127.0.0.1:0', env = {}, bin = binOf('confabd') }) {
  const { child, match } = await spawnUntil(bin, [], {
    env: { CONFABD_DATA_DIR: dataDir, CONFABD_LISTEN: listen, ...env },
    pattern: /confabd listening on (http:\/\/127\.0\.0\.1:(\d+))/,
    name: 'confabd',
  });
  const port = Number(match[2]);
  return {
    url: match[1],
    port,
    dataDir,
    child,
    stop: () => stopChild(child),
    restart: () => startConfabd({ dataDir, listen: `127.0.0.1:${port}`, env, bin }),
  };
}

/** One `confab` CLI command under `profile`; resolves with its stdout. */
export function runCli(profile, args, { env = {}, timeout = 30_000, bin = binOf('confab') } = {}) {
  return new Promise((res, rej) => {
    execFile(bin, ['--profile', profile, ...args], { timeout, env: { ...process.env, ...env }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`confab ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else res(stdout);
    });
  });
}

/**
 * `confab listen` in the background: every JSON event line it prints (a
 * line that is not JSON is kept as `{raw}`), and `waitFor(predicate)`,
 * which resolves with the events once `predicate(events)` holds (within
 * `waitTimeout` ms unless it names its own).
 */
export function listenCli(profile, args = [], { bin = binOf('confab'), waitTimeout = 20_000 } = {}) {
  const child = spawn(bin, ['--profile', profile, 'listen', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events = [];
  let buffer = '';
  let stderr = '';
  const waiters = new Set();
  child.stdout.on('data', (d) => {
    buffer += d;
    let i;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i).trim();
      buffer = buffer.slice(i + 1);
      if (!line) continue;
      try {
        events.push(JSON.parse(line));
      } catch {
        events.push({ raw: line });
      }
      for (const w of [...waiters]) w();
    }
  });
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((res) => child.on('exit', (code) => res(code)));
  return {
    child,
    events,
    exited,
    get stderr() {
      return stderr;
    },
    waitFor(predicate, timeout = waitTimeout) {
      return new Promise((res, rej) => {
        const check = () => {
          if (predicate(events)) {
            waiters.delete(check);
            clearTimeout(timer);
            res(events);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          rej(new Error(`listen: condition not met; last events: ${JSON.stringify(events).slice(-3000)}\n${stderr}`));
        }, timeout);
        waiters.add(check);
        check();
      });
    },
    stop: () => stopChild(child),
  };
}
