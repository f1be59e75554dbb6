import '#server-only';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Duplex, Readable } from 'node:stream';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import Docker from 'dockerode';
import type { EngineConfig, SandboxConfig } from '../server/config';
import { firstTab, type Size } from '../terminal-protocol';
import { instanceLabel, sandboxCreateOptions, sandboxLabel } from './profile';

/** The sandbox engine as the course uses it: the one module that talks to dockerode. */
export class Engine {
  constructor(readonly docker: Docker) {}

  static connect(config: EngineConfig): Engine {
    const url = new URL(config.address);
    if (url.protocol === 'unix:') return new Engine(new Docker({ socketPath: url.pathname }));
    const tls = config.tlsDir
      ? {
          protocol: 'https' as const,
          ca: readFileSync(path.join(config.tlsDir, 'ca.pem')),
          cert: readFileSync(path.join(config.tlsDir, 'cert.pem')),
          key: readFileSync(path.join(config.tlsDir, 'key.pem')),
        }
      : { protocol: 'http' as const };
    return new Engine(new Docker({ host: url.hostname, port: Number(url.port || 2376), ...tls }));
  }

  async ping(): Promise<void> {
    await this.docker.ping();
  }

  /** Every sandbox of one server instance on the engine, running or not (`stopped`: it ran and ended; a sandbox being made is neither). */
  async list(instance: string): Promise<{ id: string; name: string; running: boolean; stopped: boolean }[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${sandboxLabel}=1`, `${instanceLabel}=${instance}`] } });
    return containers.map((c) => ({ id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), running: c.State === 'running', stopped: c.State === 'exited' || c.State === 'dead' }));
  }

  async create(name: string, config: SandboxConfig): Promise<string> {
    const container = await this.docker.createContainer(sandboxCreateOptions(name, config));
    try {
      await container.start();
    } catch (error) {
      await container.remove({ force: true }).catch(() => {});
      throw error;
    }
    return container.id;
  }

  async remove(id: string): Promise<void> {
    await this.docker
      .getContainer(id)
      .remove({ force: true, v: true })
      .catch((error: { statusCode?: number }) => {
        // 404: already gone; 409: another removal of it is under way.
        if (error.statusCode !== 404 && error.statusCode !== 409) throw error;
      });
  }

  async rename(id: string, name: string): Promise<void> {
    await this.docker.getContainer(id).rename({ name });
  }

  /** The sandbox's address on the sandbox network: where its published ports answer. */
  async address(id: string, network: string): Promise<string | null> {
    const info = await this.docker.getContainer(id).inspect();
    return info.NetworkSettings.Networks[network]?.IPAddress || null;
  }

  /**
   * A lab's private network: internal (it routes nowhere) and with a bridge name the firewall knows
   * (`cl-…`), so its nodes reach each other and nothing else.
   */
  async createLabNetwork(name: string, instance: string): Promise<void> {
    await this.docker
      .createNetwork({
        Name: name,
        Internal: true,
        Labels: { [sandboxLabel]: '1', [instanceLabel]: instance },
        Options: { 'com.docker.network.bridge.name': `cl-${createHash('sha256').update(name).digest('hex').slice(0, 12)}` },
      })
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 409) throw error;
      });
  }

  async removeNetwork(name: string): Promise<void> {
    await this.docker
      .getNetwork(name)
      .remove()
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) throw error;
      });
  }

  async listLabNetworks(instance: string): Promise<string[]> {
    const networks = await this.docker.listNetworks({ filters: { label: [`${sandboxLabel}=1`, `${instanceLabel}=${instance}`] } });
    return networks.map((n) => n.Name);
  }

  /** Makes a running sandbox node `node` of a lab: on the lab's network under that name, and named so. */
  async joinLab(id: string, network: string, node: string): Promise<void> {
    await this.docker
      .getNetwork(network)
      .connect({ Container: id, EndpointConfig: { Aliases: [node] } })
      .catch((error: { statusCode?: number; message?: string }) => {
        // Already connected: a second join after a restart.
        if (!(error.statusCode === 403 && /already exists/.test(error.message ?? ''))) throw error;
      });
    const { exitCode, stderr } = await this.run(id, ['sandbox-node', node], { user: 'root' });
    if (exitCode !== 0) throw new Error(stderr.trim() || `sandbox-node ${node} failed`);
  }

  /** Runs a command to completion and returns its exit code and output (stdout and stderr apart). */
  async run(id: string, cmd: string[], options: { user?: string; timeoutMs?: number } = {}) {
    const exec = await this.docker.getContainer(id).exec({
      Cmd: cmd,
      User: options.user ?? 'learner',
      Env: shellEnv,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const stdout = collect();
    const stderr = collect();
    this.docker.modem.demuxStream(stream, stdout.sink, stderr.sink);
    const ended = new Promise<void>((resolve) => stream.on('end', resolve).on('close', resolve).on('error', () => resolve()));
    const timeout = options.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeout)));
    const result = await Promise.race([ended, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      stream.destroy();
      throw new Error(`${cmd.join(' ')} took longer than ${timeout} ms`);
    }
    const { ExitCode } = await exec.inspect();
    return { exitCode: ExitCode ?? -1, stdout: stdout.text(), stderr: stderr.text() };
  }

  /**
   * Starts a long-running command (such as `docker events`) and hands over its output as it comes.
   * Destroying the returned stream ends the command: it runs beside a reader of its stdin that kills
   * it when the connection closes, so no reconnect leaves one behind. The command ending (a daemon that
   * stopped) ends the stream.
   */
  async stream(id: string, cmd: string[]): Promise<PassThrough> {
    // A background command's stdin is /dev/null: the reader gets the connection's through fd 3.
    const Cmd = ['sh', '-c', 'exec 3<&0; "$@" 3<&- & child=$!; { cat <&3; kill $child; } >/dev/null 2>&1 & wait $child', 'sh', ...cmd];
    const exec = await this.docker.getContainer(id).exec({ Cmd, User: 'learner', Env: shellEnv, AttachStdin: true, AttachStdout: true, AttachStderr: true });
    const raw = await exec.start({ hijack: true, stdin: true });
    const stdout = new PassThrough();
    this.docker.modem.demuxStream(raw, stdout, new PassThrough().resume());
    raw.on('end', () => stdout.end()).on('close', () => stdout.end()).on('error', () => stdout.end());
    stdout.on('close', () => raw.destroy());
    return stdout;
  }

  /**
   * Runs a command with bytes in and bytes out, for files going into and out of the sandbox. `stdin`
   * (bytes or a stream) is fed as the command takes it and closed at its end; stdout flows only as fast
   * as its reader takes it, so neither an upload nor a download is ever held whole in the server.
   * `finished` settles when the command's output has ended (stdout must be read for that); destroying
   * stdout drops the connection, which closes the command's stdin and stdout.
   */
  async exec(id: string, cmd: string[], options: { user?: string; stdin?: Buffer | Readable } = {}): Promise<{ stdout: Readable; finished: Promise<{ exitCode: number; stderr: string }> }> {
    const withStdin = options.stdin !== undefined;
    const exec = await this.docker.getContainer(id).exec({ Cmd: cmd, User: options.user ?? 'learner', Env: shellEnv, AttachStdin: withStdin, AttachStdout: true, AttachStderr: true });
    const raw = (await exec.start({ hijack: true, stdin: withStdin })) as Duplex;
    const stdout = new Demux();
    raw.pipe(stdout);
    stdout.on('close', () => raw.destroy());
    const ended = new Promise<void>((resolve) => raw.on('end', resolve).on('close', resolve).on('error', () => resolve()));
    const { stdin } = options;
    // Ending the socket's writing half closes the command's stdin; its output still comes back.
    if (Buffer.isBuffer(stdin)) raw.end(stdin);
    else if (stdin) stdin.on('error', () => raw.destroy()).pipe(raw);
    const finished = ended.then(async () => {
      const { ExitCode } = await exec.inspect();
      return { exitCode: ExitCode ?? -1, stderr: stdout.stderr() };
    });
    return { stdout, finished };
  }

  /** `exec` to completion, its stdout as bytes (at most `limit` of them are kept; the rest is read and dropped). */
  async execBytes(id: string, cmd: string[], options: { user?: string; stdin?: Buffer | Readable; limit?: number; timeoutMs?: number } = {}) {
    const { stdout, finished } = await this.exec(id, cmd, options);
    const limit = options.limit ?? 16 * 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    stdout.on('data', (chunk: Buffer) => {
      if (size < limit) chunks.push(chunk.subarray(0, limit - size));
      size += chunk.length;
    });
    const timeout = options.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${cmd[0]} took longer than ${timeout} ms`)), timeout)));
    try {
      const { exitCode, stderr } = await Promise.race([finished, timedOut]);
      return { exitCode, stdout: Buffer.concat(chunks), stderr };
    } catch (error) {
      stdout.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Waits until the learner's inner Docker daemon answers. A slow start (a busy machine) is waited for
   * as long as it makes progress: its processes use CPU, or new ones appear. It fails only when the
   * sandbox stops (its daemon died with it) or nothing has moved for `stallMs`.
   */
  async waitReady(id: string, stallMs: number): Promise<void> {
    let progress = '';
    let movedAt = Date.now();
    for (;;) {
      const round = await this.run(id, ['sh', '-c', readyRound], { timeoutMs: stallMs }).catch(() => null);
      if (round?.exitCode === 0) return;
      const { State } = await this.docker.getContainer(id).inspect();
      if (!State.Running) throw new Error(`the sandbox stopped while starting (exit code ${State.ExitCode})`);
      const seen = round?.stdout.trim() ?? '';
      if (seen && seen !== progress) {
        progress = seen;
        movedAt = Date.now();
      } else if (Date.now() - movedAt > stallMs) throw new Error(`the sandbox made no progress for ${Math.round(stallMs / 1000)} s`);
    }
  }

  /**
   * What the engine counts of a sandbox from outside, without running anything in it: its processes
   * against their limit, and its page cache, where the files of its tmpfs disks are counted too.
   */
  async usage(id: string): Promise<{ pids: number; pidsLimit: number; cacheBytes: number }> {
    // one-shot: a single sample at once, instead of two taken a second apart. The engine honours it
    // only on a versioned path (API 1.41, the engine's own).
    const stats = await new Promise<EngineStats>((resolve, reject) =>
      this.docker.modem.dial(
        { path: `/v1.41/containers/${encodeURIComponent(id)}/stats?`, method: 'GET', options: { stream: false, 'one-shot': true }, statusCodes: { 200: true, 404: 'no such container', 500: 'server error' } },
        (error: unknown, data: unknown) => (error ? reject(error) : resolve(data as EngineStats)),
      ),
    );
    const memory = stats.memory_stats?.stats ?? {};
    return { pids: stats.pids_stats?.current ?? 0, pidsLimit: stats.pids_stats?.limit ?? 0, cacheBytes: memory.total_cache ?? memory.cache ?? 0 };
  }

  /** Changes the sandbox's process limit while it runs (the watchdog lends room to stop a runaway). */
  async limitProcesses(id: string, pids: number): Promise<void> {
    await this.docker.getContainer(id).update({ PidsLimit: pids });
  }

  /**
   * Follows the engine's events of one instance's sandboxes (`actions` such as "oom"), across
   * reconnects, until the returned function is called.
   */
  followSandboxEvents(instance: string, actions: string[], onEvent: (id: string, action: string) => void): () => void {
    const follower = new EngineEvents(this.docker, { type: ['container'], event: actions, label: [`${sandboxLabel}=1`, `${instanceLabel}=${instance}`] }, onEvent);
    follower.follow();
    return () => follower.stop();
  }

  /**
   * Starts the shell of the first tab ahead of any terminal, so a learner's first prompt is drawn the
   * moment their terminal attaches instead of after bash has started. It starts at 80x24; tmux takes
   * the terminal's size when it attaches. A failure costs only that head start.
   */
  async startFirstShell(id: string): Promise<void> {
    await this.run(id, ['tmux', 'new-session', '-d', '-s', firstTab], { timeoutMs: 10_000 }).catch(() => {});
  }

  /**
   * The learner's shell of a tab, in tmux so it outlives the socket; -D detaches any earlier client of
   * the same tab, so attaches never pile up. Read-only, it is the same shell seen by one more client that
   * can neither type nor change the learner's window size.
   */
  async openShell(id: string, tab: string, size: Size, readOnly = false): Promise<{ stream: Duplex; resize(size: Size): Promise<void> }> {
    const exec = await this.docker.getContainer(id).exec({
      // The terminal starts at its size: a resize sent while tmux is still starting reaches it before
      // it listens for SIGWINCH and is lost, leaving the shell at 80x24 until the window next changes.
      Cmd: readOnly
        ? ['tmux', 'attach-session', '-t', `=${tab}`, '-f', 'read-only,ignore-size']
        : ['sh', '-c', 'stty rows "$1" cols "$2" && exec tmux new-session -A -D -s "$3"', 'sh', String(size.rows), String(size.cols), tab],
      User: 'learner',
      Env: shellEnv,
      WorkingDir: '/home/learner',
      Tty: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
    return { stream, resize: async ({ cols, rows }) => void (await exec.resize({ w: cols, h: rows })) };
  }
}

/**
 * One round of waiting inside the sandbox, about two seconds of asking the daemon (one exec, so the
 * polling costs no round trips). Not ready yet, it prints how many processes the sandbox runs and the
 * CPU ticks they used, leaving out its own (its shell and that shell's children): the sign of progress.
 */
const readyRound = `for i in $(seq 40); do sandbox-ready && exit 0; sleep 0.05; done
cat /proc/[0-9]*/stat 2>/dev/null | awk -v me=$$ '{ pid = $1; sub(/^.*\\) /, ""); if (pid != me && $2 != me) { n++; t += $12 + $13 } } END { print n, t }'
exit 1`;

/** The parts of the engine's container stats the watchdog reads. */
interface EngineStats {
  pids_stats?: { current?: number; limit?: number };
  memory_stats?: { stats?: { total_cache?: number; cache?: number } };
}

/** The engine's event stream with a filter, followed again a moment after it breaks. */
class EngineEvents {
  private stream: NodeJS.ReadableStream | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly docker: Docker,
    private readonly filters: Record<string, string[]>,
    private readonly onEvent: (id: string, action: string) => void,
  ) {}

  follow(): void {
    this.docker.getEvents({ filters: this.filters }).then(
      (stream) => {
        if (this.stopped) return void (stream as unknown as { destroy(): void }).destroy();
        this.stream = stream;
        let partial = '';
        stream.on('data', (chunk: Buffer) => {
          const lines = (partial + chunk.toString('utf8')).split('\n');
          partial = lines.pop()!.slice(-65_536);
          for (const line of lines.filter(Boolean)) {
            try {
              const event = JSON.parse(line) as { id?: string; Action?: string; status?: string };
              if (event.id) this.onEvent(event.id, event.Action ?? event.status ?? '');
            } catch {
              // Not an event: skipped.
            }
          }
        });
        stream.on('end', () => this.again()).on('error', () => this.again());
      },
      () => this.again(),
    );
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    (this.stream as unknown as { destroy?(): void } | null)?.destroy?.();
  }

  private again(): void {
    this.stream = null;
    clearTimeout(this.timer);
    if (!this.stopped) this.timer = setTimeout(() => this.follow(), 2000);
  }
}

/**
 * The engine's multiplexed exec output (8-byte frame headers: stream, 0, 0, 0, size) split apart as a
 * stream with backpressure: stdout is what it passes on, stderr is kept (its first 64 KiB) for errors.
 */
class Demux extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private errors: Buffer[] = [];
  private errorBytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let buffer = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buffer.length >= 8) {
      const size = buffer.readUInt32BE(4);
      if (buffer.length < 8 + size) break;
      const payload = buffer.subarray(8, 8 + size);
      if (buffer[0] === 2) {
        if (this.errorBytes < 65_536) this.errors.push(payload);
        this.errorBytes += payload.length;
      } else this.push(payload);
      buffer = buffer.subarray(8 + size);
    }
    this.pending = buffer;
    done();
  }

  stderr(): string {
    return Buffer.concat(this.errors).toString('utf8');
  }
}

const shellEnv = ['TERM=xterm-256color', 'LANG=C.UTF-8', 'HOME=/home/learner', 'USER=learner', 'DOCKER_HOST=unix:///run/user/1000/docker.sock'];

function collect() {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
}
