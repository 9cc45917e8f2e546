/**
 * A real PostgreSQL server for tests: `initdb` + `pg_ctl` in a temporary directory on a free local
 * port, stopped and removed afterwards (also when the test process dies). PostgreSQL refuses to
 * run as root, so as root the server runs as the `postgres` user (Debian's package creates it).
 *
 * Only loopback: the server listens on 127.0.0.1 and a private Unix socket directory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RealPostgres {
  /** e.g. `postgres://postgres@127.0.0.1:54321/postgres` */
  connectionString: string;
  port: number;
  version: string;
  stop(): void;
}

/** The directory holding `initdb`, `pg_ctl` and `postgres`, or null when PostgreSQL is not installed. */
export function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const bin = path.join(root, v, 'bin');
      if (existsSync(path.join(bin, 'pg_ctl'))) return bin;
    }
  }
  const which = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? path.dirname(which.stdout.trim()) : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function postgresUid(): { uid: number; gid: number } {
  const out = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
  const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
  return { uid: Number(out), gid: Number(gid) };
}

/** Start a throw-away server. Throws with initdb's/pg_ctl's output when it cannot start. */
export async function startPostgres(): Promise<RealPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (Debian: apt-get install -y postgresql)');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'qc-pg-'));
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  if (asRoot) {
    const { uid, gid } = postgresUid();
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const run = (cmd: string, args: string[]) => {
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] as const : [path.join(bin, cmd), args] as const;
    const r = spawnSync(full[0], [...full[1]], { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  let started = false;
  const stop = () => {
    process.off('exit', stop);
    if (started) {
      started = false;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* already gone */
      }
    }
    cleanup();
  };
  try {
    // C collation: text compares by code point, as the simulator's ORDER BY and < > do.
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '--locale=C', '-E', 'UTF8']);
  } catch (e) {
    cleanup();
    throw e;
  }
  const port = await freePort();
  if (asRoot) spawnSync('runuser', ['-u', 'postgres', '--', 'mkdir', '-p', sock]);
  else spawnSync('mkdir', ['-p', sock]);
  const opts = `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  try {
    run('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '120', 'start']);
  } catch (e) {
    cleanup();
    throw e;
  }
  started = true;
  process.on('exit', stop);
  const version = run('postgres', ['--version']).trim();
  return { connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, port, version, stop };
}
