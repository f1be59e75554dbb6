import '#server-only';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The only reader of process.env: everything else gets its settings from here. */
export interface Config {
  port: number;
  host: string;
  dev: boolean;
  /** Origins allowed to open terminal sockets and call the API, compared exactly. */
  allowedOrigins: string[];
  /** Other sites that may show lessons in an iframe (/embed/…); Content-Security-Policy frame-ancestors. */
  embedOrigins: string[];
  /**
   * Secret that signs session tokens; kept in the state directory so sessions survive restarts, or in the
   * database that several servers share (server.ts). COURSE_SECRET, when set, is used everywhere as it is.
   */
  secret: Buffer;
  secretFromEnvironment: boolean;
  stateDir: string;
  /** PostgreSQL for progress and classes (postgres://…), shared by every machine of the course; null: a SQLite file in the state directory. */
  databaseUrl: string | null;
  /** This server as one cell of several behind HAProxy: its name (null: the only server) and the port of its agent check. */
  cell: { name: string | null; agentPort: number | null };
  engine: EngineConfig;
  sandbox: SandboxConfig;
  classes: {
    stuckAfterMs: number;
    defaultCapacity: number;
    /** How long before a class's start time its seats are warmed, and how long after it unused ones are kept. */
    warmBeforeMs: number;
    warmGraceMs: number;
  };
  /** When set, /metrics answers only a scrape with `Authorization: Bearer <token>`. */
  metricsToken: string | null;
}

export interface EngineConfig {
  /** unix:///path/to.sock, or tcp://host:port (with tlsDir for a remote engine over TLS). */
  address: string;
  tlsDir: string | null;
}

export interface SandboxConfig {
  /** Which server's sandboxes these are, so several servers (or test runs) can share one engine. */
  instance: string;
  image: string;
  network: string;
  dns: string;
  ttlMs: number;
  idleMs: number;
  /** How long before the end of the TTL or the idle timeout the learner is warned. */
  warnMs: number;
  /** What one extension adds to the TTL (0: none), and the most time a sandbox can have in all. */
  extendMs: number;
  maxMs: number;
  poolSize: number;
  capacity: number;
  /** Most sandboxes starting at the same time (a lab node counts as one); everyone else waits in the queue. */
  starts: number;
  /** A starting sandbox that shows no progress for this long has failed (a slow one that moves is waited for). */
  stallMs: number;
  /** A sandbox a lesson page claimed goes back to the pool when no terminal connects within this time. */
  claimMs: number;
  memoryBytes: number;
  cpus: number;
  pids: number;
  diskBytes: number;
  /** How often the watchdog reads a watched sandbox's counters: the longest a runaway goes unnoticed. */
  watchMs: number;
  /** How often expiry is checked. */
  reapIntervalMs: number;
}

type Env = Record<string, string | undefined>;

const minutes = (n: number) => n * 60_000;

function number(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

function bytes(env: Env, name: string, fallback: string): number {
  const raw = env[name] || fallback;
  const match = /^(\d+)([kmg]?)$/i.exec(raw);
  if (!match) throw new Error(`${name} must be a size like 512m or 2g, got "${raw}"`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(match[1]) * unit;
}

function loadSecret(stateDir: string, env: Env): Buffer {
  if (env.COURSE_SECRET) return Buffer.from(env.COURSE_SECRET);
  const file = path.join(stateDir, 'secret');
  try {
    return readFileSync(file);
  } catch {
    const secret = randomBytes(32);
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

/** A cell's name goes into HAProxy's cookie and routing rules: short, lower case, no spaces. */
function cellName(value: string | undefined): string | null {
  if (!value) return null;
  if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(value)) throw new Error(`COURSE_CELL: "${value}" is not a cell name like cell-1 (lower-case letters, digits and -)`);
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  const port = number(env, 'PORT', 3000);
  const stateDir = path.resolve(env.COURSE_STATE_DIR || '.state');
  const list = (value: string | undefined) => value?.split(',').map((o) => o.trim()).filter(Boolean);
  const origins = list(env.COURSE_ALLOWED_ORIGINS);
  const embedOrigins = list(env.COURSE_EMBED_ORIGINS) ?? [];
  const badEmbed = embedOrigins.find((o) => !/^https?:\/\/[a-z0-9.-]+(:\d+)?$/i.test(o));
  if (badEmbed) throw new Error(`COURSE_EMBED_ORIGINS: "${badEmbed}" is not an origin like https://school.example`);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dev: env.NODE_ENV === 'development',
    allowedOrigins: origins?.length ? origins : [`http://localhost:${port}`, `http://127.0.0.1:${port}`],
    embedOrigins,
    secret: loadSecret(stateDir, env),
    secretFromEnvironment: Boolean(env.COURSE_SECRET),
    stateDir,
    databaseUrl: env.COURSE_DATABASE_URL || null,
    cell: { name: cellName(env.COURSE_CELL), agentPort: env.COURSE_AGENT_PORT ? number(env, 'COURSE_AGENT_PORT', 0) : null },
    engine: {
      address: env.COURSE_ENGINE || 'unix:///run/docker-course/engine.sock',
      tlsDir: env.COURSE_ENGINE_TLS_DIR || null,
    },
    sandbox: {
      instance: env.COURSE_INSTANCE || 'main',
      image: env.COURSE_SANDBOX_IMAGE || 'course/sandbox',
      network: env.COURSE_SANDBOX_NETWORK || 'course-sandboxes',
      dns: env.COURSE_SANDBOX_DNS || '10.213.16.3',
      ttlMs: minutes(number(env, 'COURSE_SANDBOX_TTL_MINUTES', 120)),
      idleMs: minutes(number(env, 'COURSE_SANDBOX_IDLE_MINUTES', 20)),
      warnMs: minutes(number(env, 'COURSE_SANDBOX_WARN_MINUTES', 5)),
      extendMs: minutes(number(env, 'COURSE_SANDBOX_EXTEND_MINUTES', 30)),
      maxMs: minutes(number(env, 'COURSE_SANDBOX_MAX_MINUTES', 240)),
      poolSize: number(env, 'COURSE_SANDBOX_POOL', 2),
      capacity: number(env, 'COURSE_SANDBOX_CAPACITY', 40),
      starts: Math.max(1, number(env, 'COURSE_SANDBOX_STARTS', 4)),
      stallMs: number(env, 'COURSE_SANDBOX_STALL_SECONDS', 60) * 1000,
      claimMs: number(env, 'COURSE_SANDBOX_CLAIM_SECONDS', 60) * 1000,
      memoryBytes: bytes(env, 'COURSE_SANDBOX_MEMORY', '1g'),
      cpus: number(env, 'COURSE_SANDBOX_CPUS', 1),
      pids: number(env, 'COURSE_SANDBOX_PIDS', 512),
      diskBytes: bytes(env, 'COURSE_SANDBOX_DISK', '640m'),
      watchMs: number(env, 'COURSE_SANDBOX_WATCH_MS', 3000),
      reapIntervalMs: number(env, 'COURSE_SANDBOX_REAP_MS', 5000),
    },
    classes: {
      stuckAfterMs: minutes(number(env, 'COURSE_CLASS_STUCK_MINUTES', 5)),
      defaultCapacity: number(env, 'COURSE_CLASS_SIZE', 30),
      warmBeforeMs: minutes(number(env, 'COURSE_CLASS_WARM_MINUTES', 10)),
      warmGraceMs: minutes(number(env, 'COURSE_CLASS_WARM_GRACE_MINUTES', 15)),
    },
    metricsToken: env.COURSE_METRICS_TOKEN || null,
  };
}
