import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSessionToken, sessionCookie, verifySessionToken } from '@/lib/server/auth';
import { RateLimiter } from '@/lib/server/rate-limit';
import { createRouter } from '@/lib/server/routes';
import { SandboxFiles, versionOf } from '@/lib/workspace/files';
import { maxTextBytes, maxUploadBytes } from '@/lib/workspace/protocol';
import { workspaceRoutes } from '@/lib/workspace/routes';
import { config, engine, manager, removeAllSandboxes, sh } from './helpers';

// The workspace file API on the real engine, through its HTTP routes as the server composes them:
// a real sandbox behind, its files checked from inside the sandbox.
const sandboxes = manager();
const files = new SandboxFiles(engine);
const origin = 'http://course.test';
const token = newSessionToken(config.secret);
const session = verifySessionToken(token, config.secret)!;
let id: string;
let server: Server;
let base: string;

beforeAll(async () => {
  await removeAllSandboxes();
  await sandboxes.start();
  id = (await sandboxes.acquire(session)).nodes[0]!;
  // A generous learner rate, so only the flood test meets it (it has its own router below).
  const routes = createRouter(workspaceRoutes({ secret: config.secret, sandboxes, files, changes: new RateLimiter(1000, 1000), reads: new RateLimiter(1000, 1000) }), { allowedOrigins: [origin], allow: () => true });
  server = createServer((request, response) => void routes(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.close();
  sandboxes.stop();
  await removeAllSandboxes();
});

const headers = (as = token) => ({ origin, cookie: `${sessionCookie}=${as}` });
const get = (path: string, as = token) => fetch(`${base}${path}`, { headers: headers(as) });
const post = (path: string, body: unknown, as = token) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { ...headers(as), 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const save = (path: string, text: string, extra: object = {}) => post('/api/files/file', { node: 1, path, text, ...extra });
const read = (path: string) => get(`/api/files/file?node=1&path=${encodeURIComponent(path)}`);
const upload = (path: string, bytes: Buffer) =>
  fetch(`${base}/api/files/upload?node=1&path=${encodeURIComponent(path)}`, { method: 'POST', headers: { ...headers(), 'content-type': 'application/octet-stream' }, body: new Blob([new Uint8Array(bytes)]) });
const download = (path: string) => get(`/api/files/download?node=1&path=${encodeURIComponent(path)}`);
/** A file's exact bytes, read in the sandbox (base64 keeps them exact through the text of an exec). */
const bytesIn = async (path: string) => Buffer.from((await sh(id, `base64 -w0 -- "${path}"`)).stdout, 'base64');
/** A fingerprint of everything under a folder of the sandbox: names, sizes, modes, owners, times. */
const snapshot = async (folder: string) => (await sh(id, `find ${folder} -printf '%p %s %m %u %T@\\n' 2>/dev/null | sort | sha256sum`, 'root')).stdout;
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

describe('workspace files on the real engine', () => {
  it('saves and reads UTF-8 with Korean text and CRLF byte for byte, as the learner', async () => {
    const text = 'FROM debian:trixie\r\n# 안녕하세요, 도커!\r\nRUN echo "héllo" \\\n  && true\n\ttab\n';
    const saved = await save('app/Dockerfile', text);
    expect(saved.status).toBe(200);
    const { version } = (await saved.json()) as { version: string };
    expect(version).toBe(versionOf(text));
    expect((await bytesIn('/home/learner/app/Dockerfile')).equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect((await sh(id, 'stat -c "%u %g %a" ~/app ~/app/Dockerfile')).stdout).toBe('1000 1000 755\n1000 1000 644\n');
    const loaded = await read('app/Dockerfile');
    expect(await loaded.json()).toEqual({ path: 'app/Dockerfile', version, size: Buffer.byteLength(text), text });
    // No temporary file is left beside it.
    expect((await sh(id, 'ls -A ~/app')).stdout).toBe('Dockerfile\n');
  });

  it('keeps an existing file’s mode and the learner’s ownership through a save', async () => {
    await sh(id, 'printf "#!/bin/sh\\necho one\\n" > ~/run.sh && chmod 750 ~/run.sh');
    expect((await save('run.sh', '#!/bin/sh\necho two\n')).status).toBe(200);
    expect((await sh(id, 'stat -c "%u %a" ~/run.sh && ~/run.sh')).stdout).toBe('1000 750\ntwo\n');
  });

  it('saves and reads a file of exactly 1 MiB, and refuses one byte more both ways', async () => {
    const unit = 'ab가\r\n'; // 7 bytes
    const text = unit.repeat(Math.floor(maxTextBytes / 7)) + 'x'.repeat(maxTextBytes % 7);
    expect(Buffer.byteLength(text)).toBe(maxTextBytes);
    const started = Date.now();
    expect((await save('big.txt', text)).status).toBe(200);
    const saveMs = Date.now() - started;
    expect((await bytesIn('/home/learner/big.txt')).equals(Buffer.from(text))).toBe(true);
    const loaded = (await (await read('big.txt')).json()) as { text: string; size: number };
    expect(loaded.size).toBe(maxTextBytes);
    expect(loaded.text === text).toBe(true);
    const tooLarge = await save('big2.txt', `${text}x`);
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { reason: string }).reason).toBe('tooLarge');
    await sh(id, 'printf x >> ~/big.txt');
    const readLarge = await read('big.txt');
    expect(readLarge.status).toBe(413);
    expect(await readLarge.json()).toMatchObject({ reason: 'tooLarge', size: maxTextBytes + 1 });
    expect((await sh(id, 'ls ~/big2.txt 2>&1 || true')).stdout).toMatch(/No such file/);
    console.log(`save of 1 MiB through HTTP: ${saveMs} ms`);
  });

  it('calls a binary file binary, with its size, and does not open it', async () => {
    await sh(id, 'printf "ELF\\000\\001\\002" > ~/prog; printf "\\377\\376A" > ~/latin');
    for (const path of ['prog', 'latin']) {
      const response = await read(path);
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ reason: 'binary', size: expect.any(Number) });
    }
  });

  it('refuses .., outside paths, control characters and the daemon’s folders, changing nothing', async () => {
    // The learner plants links: to /etc, into the daemon's data, into tmux's sockets, and a loop.
    await sh(id, 'ln -s /etc ~/etc-link; ln -s /etc/passwd ~/passwd-link; ln -s ~/.local/share/docker ~/daemon-link; ln -s ~/.local/share ~/share-link; ln -s /tmp/tmux-1000 ~/tmux-link; ln -s loop-b ~/loop-a; ln -s loop-a ~/loop-b');
    const before = { daemon: await snapshot('/home/learner/.local/share/docker'), etc: await snapshot('/etc'), tmp: await snapshot('/tmp'), run: await snapshot('/run/user/1000') };
    const badPaths = ['../x', 'app/../../etc/x', '/etc/hostname', '/home/other/x', 'a\nb', 'x\u0000y', 'tab\there', '.local/share/docker/x', '.local/share/docker/engine-id', '.docker/config.json', '/tmp/tmux-1000/x',
      'etc-link/hostname', 'passwd-link', 'daemon-link/engine-id', 'daemon-link/x', 'share-link/docker/x', 'tmux-link/x', 'loop-a', 'loop-a/x'];
    for (const path of badPaths) {
      for (const response of [await save(path, 'pwned'), await read(path), await upload(path, Buffer.from('pwned')), await download(path)]) {
        expect(response.status, `${response.url} ${JSON.stringify(path)}`).toBe(400);
        expect(((await response.json()) as { reason: string }).reason).toBe('badPath');
      }
    }
    for (const [path, request] of [
      ['create', { node: 1, path: 'daemon-link/new', kind: 'folder' }],
      ['create', { node: 1, path: '.local/share/docker/new', kind: 'file' }],
      ['delete', { node: 1, path: 'share-link/docker' }],
      ['delete', { node: 1, path: '.local' }],
      ['delete', { node: 1, path: '' }],
      ['delete', { node: 1, path: '/tmp' }],
      ['delete', { node: 1, path: 'etc-link/hostname' }],
      ['rename', { node: 1, from: '.local/share', to: 'moved' }],
      ['rename', { node: 1, from: 'app', to: 'daemon-link/app' }],
      ['rename', { node: 1, from: 'tmux-link/default', to: 'x' }],
      ['rename', { node: 1, from: 'app', to: '/etc/app' }],
    ] as const) {
      const response = await post(`/api/files/${path}`, request);
      expect(response.status, `${path} ${JSON.stringify(request)}`).toBe(400);
      expect(((await response.json()) as { reason: string }).reason).toBe('badPath');
    }
    expect({ daemon: await snapshot('/home/learner/.local/share/docker'), etc: await snapshot('/etc'), tmp: await snapshot('/tmp'), run: await snapshot('/run/user/1000') }).toEqual(before);
    expect((await sh(id, 'ls -A ~')).stdout).not.toMatch(/moved|pwned/);
    // The links themselves are the learner's to read about, move and delete: that touches no target.
    expect((await post('/api/files/rename', { node: 1, from: 'daemon-link', to: 'old-link' })).status).toBe(200);
    expect((await post('/api/files/delete', { node: 1, path: 'old-link' })).status).toBe(204);
    expect((await post('/api/files/delete', { node: 1, path: 'etc-link' })).status).toBe(204);
    expect((await sh(id, 'docker info --format "{{.Driver}}" && ls /etc/hostname')).exitCode).toBe(0);
    expect(await snapshot('/home/learner/.local/share/docker')).toBe(before.daemon);
  });

  it('leaves the daemon’s and the Docker client’s folders out of the tree', async () => {
    await sh(id, 'docker buildx ls >/dev/null 2>&1; mkdir -p ~/.config/docker && echo {} > ~/.config/docker/daemon.json; ls -d ~/.docker');
    const tree = (await (await get('/api/files/tree?node=1')).json()) as { entries: { path: string; kind: string }[] };
    const paths = tree.entries.map((e) => e.path);
    expect(paths).toContain('app/Dockerfile');
    expect(paths).toContain('.local/share');
    expect(tree.entries.find((e) => e.path === 'share-link')?.kind).toBe('link');
    expect(paths.filter((p) => /^(\.local\/share\/docker|\.docker|\.config\/docker)(\/|$)/.test(p))).toEqual([]);
  });

  it('answers a tree poll with 204 while nothing changed, and with the new tree after a change', async () => {
    const first = (await (await get('/api/files/tree?node=1')).json()) as { version: string };
    expect((await get(`/api/files/tree?node=1&since=${first.version}`)).status).toBe(204);
    await sh(id, 'echo made in the terminal > ~/from-terminal.txt');
    const changed = await get(`/api/files/tree?node=1&since=${first.version}`);
    expect(changed.status).toBe(200);
    const tree = (await changed.json()) as { version: string; entries: { path: string }[] };
    expect(tree.version).not.toBe(first.version);
    expect(tree.entries.map((e) => e.path)).toContain('from-terminal.txt');
  });

  it('detects a conflict with a change made in the terminal, and with a file that appeared or went', async () => {
    const first = (await (await save('notes.md', 'one\n')).json()) as { version: string };
    await sh(id, 'echo two >> ~/notes.md');
    const conflict = await save('notes.md', 'mine\n', { base: first.version });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ reason: 'conflict', current: { version: versionOf('one\ntwo\n'), text: 'one\ntwo\n' } });
    expect((await bytesIn('/home/learner/notes.md')).toString()).toBe('one\ntwo\n');
    // Must not exist yet, but does.
    expect(await (await save('notes.md', 'mine\n', { base: null })).json()).toMatchObject({ reason: 'conflict', current: { text: 'one\ntwo\n' } });
    // Was loaded, but went meanwhile.
    await sh(id, 'rm ~/notes.md');
    expect(await (await save('notes.md', 'mine\n', { base: first.version })).json()).toMatchObject({ reason: 'conflict', current: null });
    expect(await (await save('notes.md', 'new\n', { base: null })).json()).toEqual({ version: versionOf('new\n') });
    expect((await save('notes.md', 'newer\n', { base: versionOf('new\n') })).status).toBe(200);
    expect((await bytesIn('/home/learner/notes.md')).toString()).toBe('newer\n');
  });

  it('uploads and downloads a file byte for byte, and refuses an upload over 10 MiB before reading it', async () => {
    const bytes = randomBytes(maxUploadBytes);
    const started = Date.now();
    const uploaded = await upload('uploads/data.bin', bytes);
    const seconds = (Date.now() - started) / 1000;
    expect(uploaded.status).toBe(200);
    expect(await uploaded.json()).toEqual({ path: 'uploads/data.bin', version: versionOf(bytes) });
    expect((await sh(id, 'stat -c "%u %s" ~/uploads/data.bin')).stdout).toBe(`1000 ${bytes.length}\n`);
    const downloaded = await download('uploads/data.bin');
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers.get('content-disposition')).toContain('filename="data.bin"');
    expect(downloaded.headers.get('content-length')).toBe(String(bytes.length));
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(bytes)).toBe(true);
    const tooLarge = await upload('uploads/huge.bin', Buffer.alloc(maxUploadBytes + 1));
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { reason: string }).reason).toBe('tooLarge');
    expect((await sh(id, 'ls -A ~/uploads')).stdout).toBe('data.bin\n');
    console.log(`upload of 10 MiB through HTTP: ${(bytes.length / 1e6 / seconds).toFixed(1)} MB/s`);
  });

  it('refuses a declared 11 MiB upload before its body is sent', async () => {
    // Only the headers go out: the refusal must come without waiting for a body.
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${base}/api/files/upload?node=1&path=huge.bin`, { method: 'POST', headers: { ...headers(), 'content-length': String(11 * 1024 * 1024) } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on('error', reject);
      request.flushHeaders();
      setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref();
    });
    expect(status).toBe(413);
  });

  it('changes nothing when an upload breaks off part-way', async () => {
    await save('half.txt', 'whole\n');
    await new Promise<void>((resolve) => {
      const request = httpRequest(`${base}/api/files/upload?node=1&path=half.txt`, { method: 'POST', headers: { ...headers(), 'content-length': '100000' } });
      request.on('error', () => resolve());
      request.write(Buffer.alloc(50_000, 120));
      setTimeout(() => {
        request.destroy();
        resolve();
      }, 300);
    });
    // The sandbox's script notices the short body once the engine closes its input.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await bytesIn('/home/learner/half.txt')).toString()).toBe('whole\n');
    expect((await sh(id, 'ls -A ~ | grep -c "^\\.half" || true')).stdout).toBe('0\n');
  });

  it('streams a download only as fast as it is read, and ends its command when abandoned', async () => {
    await sh(id, 'head -c 50000000 /dev/urandom > /tmp/big.bin');
    const download = await files.download(id, '/tmp/big.bin');
    expect(download.size).toBe(50_000_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Unread, the file stays in the sandbox: cat has written a few socket buffers, not 50 MB.
    const written = Number(/wchar: (\d+)/.exec((await sh(id, 'cat /proc/$(pgrep -x cat)/io')).stdout)?.[1]);
    expect(written).toBeLessThan(8_000_000);
    expect(download.stream.readableLength).toBeLessThan(1_000_000);
    download.stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await sh(id, 'pgrep -x cat || true; rm /tmp/big.bin')).stdout).toBe('');
  });

  it('downloads a folder as a valid .tar.gz, without the daemon’s data', async () => {
    await sh(id, 'mkdir -p ~/site/css && echo "<h1>안녕</h1>" > ~/site/index.html && echo "h1{}" > ~/site/css/메인.css');
    const response = await download('site');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/gzip');
    expect(response.headers.get('content-disposition')).toContain('filename="site.tar.gz"');
    const archive = Buffer.from(await response.arrayBuffer());
    const listing = spawnSync('tar', ['-tzf', '-'], { input: archive, encoding: 'utf8' });
    expect(listing.status).toBe(0);
    expect(listing.stdout.split('\n').filter(Boolean).sort()).toEqual(['site/', 'site/css/', 'site/css/메인.css', 'site/index.html']);
    expect(spawnSync('tar', ['-xzOf', '-', 'site/index.html'], { input: archive, encoding: 'utf8' }).stdout).toBe('<h1>안녕</h1>\n');
    const home = spawnSync('tar', ['-tzf', '-'], { input: Buffer.from(await (await download('')).arrayBuffer()), encoding: 'utf8' });
    expect(home.status).toBe(0);
    expect(home.stdout).toContain('learner/site/index.html');
    expect(home.stdout).toContain('learner/.local/share/');
    expect(home.stdout).not.toMatch(/learner\/\.local\/share\/docker\/|learner\/\.docker\//);
  });

  it('creates, renames and deletes files and folders', async () => {
    expect(await (await post('/api/files/create', { node: 1, path: 'proj/src', kind: 'folder' })).json()).toEqual({ path: 'proj/src' });
    expect(await (await post('/api/files/create', { node: 1, path: 'proj/src/main.py', kind: 'file' })).json()).toEqual({ path: 'proj/src/main.py' });
    expect(await (await post('/api/files/create', { node: 1, path: 'proj/src/main.py', kind: 'file' })).json()).toMatchObject({ reason: 'exists' });
    expect(await (await post('/api/files/create', { node: 1, path: '/tmp/scratch.txt', kind: 'file' })).json()).toEqual({ path: '/tmp/scratch.txt' });
    expect(await (await post('/api/files/rename', { node: 1, from: 'proj', to: 'project' })).json()).toEqual({ path: 'project' });
    expect(await (await post('/api/files/rename', { node: 1, from: 'proj', to: 'x' })).json()).toMatchObject({ reason: 'notFound' });
    expect(await (await post('/api/files/rename', { node: 1, from: 'project', to: 'app' })).json()).toMatchObject({ reason: 'exists' });
    expect(await (await post('/api/files/rename', { node: 1, from: 'project', to: 'project/inner' })).json()).toMatchObject({ reason: 'badPath' });
    expect((await sh(id, 'stat -c "%F %u" ~/project/src/main.py /tmp/scratch.txt')).stdout).toBe('regular empty file 1000\nregular empty file 1000\n');
    // Names that look like options stay names.
    expect((await save('-rf', 'dash\n')).status).toBe(200);
    expect(await (await read('-rf')).json()).toMatchObject({ text: 'dash\n' });
    expect(await (await post('/api/files/rename', { node: 1, from: '-rf', to: '--help' })).json()).toEqual({ path: '--help' });
    expect((await post('/api/files/delete', { node: 1, path: '--help' })).status).toBe(204);
    expect((await post('/api/files/delete', { node: 1, path: 'project' })).status).toBe(204);
    expect(await (await post('/api/files/delete', { node: 1, path: 'project' })).json()).toMatchObject({ reason: 'notFound' });
    expect((await sh(id, 'ls ~/project 2>&1 || true')).stdout).toMatch(/No such file/);
    // A file the learner may not change (root's, in their home) is read-only, and stays as it was.
    expect(await (await save('.bash_logout', 'x')).json()).toMatchObject({ reason: 'readOnly' });
    expect((await sh(id, 'stat -c %u ~/.bash_logout')).stdout).toBe('0\n');
  });

  it('says noSpace on a full disk and keeps the old content, then saves again once there is room', async () => {
    const old = 'the old content\n';
    await save('keep.txt', old);
    await sh(id, 'dd if=/dev/zero of="$HOME/fill" bs=1M 2>/dev/null; dd if=/dev/zero of="$HOME/fill2" bs=4k 2>/dev/null; true');
    expect((await sh(id, 'df --output=avail ~ | tail -1')).stdout.trim()).toBe('0');
    const full = await save('keep.txt', 'new content that does not fit\n'.repeat(1000));
    expect(full.status).toBe(507);
    expect(((await full.json()) as { reason: string }).reason).toBe('noSpace');
    expect((await upload('keep.txt', randomBytes(100_000))).status).toBe(507);
    expect((await bytesIn('/home/learner/keep.txt')).toString()).toBe(old);
    expect((await sh(id, 'ls -A ~ | grep -c "^\\.keep" || true')).stdout).toBe('0\n');
    await sh(id, 'rm ~/fill ~/fill2');
    expect((await save('keep.txt', 'new\n')).status).toBe(200);
    expect((await bytesIn('/home/learner/keep.txt')).toString()).toBe('new\n');
  });

  it('answers noSandbox for a learner without a sandbox or a node outside their lease', async () => {
    const stranger = newSessionToken(config.secret);
    for (const response of [await get('/api/files/tree?node=1', stranger), await post('/api/files/file', { node: 1, path: 'x', text: 'x' }, stranger), await get('/api/files/tree?node=2')]) {
      expect(response.status).toBe(409);
      expect(((await response.json()) as { reason: string }).reason).toBe('noSandbox');
    }
    expect((await fetch(`${base}/api/files/tree?node=1`)).status).toBe(409);
  });

  it('answers bad input with 400 and a clear message, and keeps serving', async () => {
    const cases: [unknown, RegExp][] = [
      ['{not json', /not JSON/],
      ['[1,2]', /JSON object/],
      ['null', /JSON object/],
      [{ node: 1, path: 'x' }, /text must be a string/],
      [{ node: 1, path: 3, text: 'x' }, /path must be a string/],
      [{ node: 'one', path: 'x', text: 'x' }, /node must be/],
      [{ node: 9, path: 'x', text: 'x' }, /node must be/],
      [{ node: 1, path: 'x', text: 'x', base: 42 }, /base must be/],
      [{ node: 1, path: 'x', text: 'x', base: 'not a version' }, /base must be/],
    ];
    for (const [body, message] of cases) {
      const response = await post('/api/files/file', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
    expect((await post('/api/files/create', { node: 1, path: 'x', kind: 'socket' })).status).toBe(400);
    expect((await post('/api/files/rename', { node: 1, from: 'app' })).status).toBe(400);
    expect((await get('/api/files/file?node=1')).status).toBe(400);
    const foreign = await fetch(`${base}/api/files/file`, { method: 'POST', headers: { ...headers(), origin: 'http://evil.test' }, body: JSON.stringify({ node: 1, path: 'evil', text: 'x' }) });
    expect(foreign.status).toBe(403);
    expect((await sh(id, 'ls ~/evil ~/x 2>&1 || true')).stdout).toMatch(/No such file.*\n.*No such file/);
    expect((await read('app/Dockerfile')).status).toBe(200);
  });

  it('refuses a flood of saves with tooMany, and the refused ones change nothing', async () => {
    const routes = createRouter(workspaceRoutes({ secret: config.secret, sandboxes, files, changes: new RateLimiter(1, 5) }), { allowedOrigins: [origin], allow: () => true });
    const limited = createServer((request, response) => void routes(request, response));
    await new Promise<void>((resolve) => limited.listen(0, '127.0.0.1', resolve));
    const at = `http://127.0.0.1:${(limited.address() as AddressInfo).port}`;
    try {
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          fetch(`${at}/api/files/file`, { method: 'POST', headers: { ...headers(), 'content-type': 'application/json' }, body: JSON.stringify({ node: 1, path: 'flood.txt', text: `save ${i}\n` }) }).then(async (r) => ({ i, status: r.status, body: (await r.json()) as { reason?: string } })),
        ),
      );
      const accepted = answers.filter((a) => a.status === 200).map((a) => `save ${a.i}\n`);
      const refused = answers.filter((a) => a.status === 429);
      expect(accepted.length).toBeGreaterThan(0);
      expect(accepted.length).toBeLessThanOrEqual(6);
      expect(refused.length + accepted.length).toBe(30);
      expect(refused.every((a) => a.body.reason === 'tooMany')).toBe(true);
      expect(accepted).toContain((await bytesIn('/home/learner/flood.txt')).toString());
    } finally {
      limited.close();
    }
  });

  it('lists at most 2000 entries of a crowded home, the shallowest first, and every request is activity', async () => {
    await sh(id, 'mkdir -p ~/many/deep && cd ~/many/deep && seq 2500 | xargs touch');
    const lease = sandboxes.lease(session)!;
    lease.lastActive = 0;
    const tree = (await (await get('/api/files/tree?node=1')).json()) as { entries: { path: string }[]; truncated?: boolean };
    expect(lease.lastActive).toBeGreaterThan(0);
    expect(tree.entries.length).toBe(2000);
    expect(tree.truncated).toBe(true);
    expect(tree.entries.map((e) => e.path)).toEqual(expect.arrayContaining(['app/Dockerfile', 'many', 'many/deep', '.bashrc']));
    await sh(id, 'rm -r ~/many');
  });

  it('measures a small save through HTTP', async () => {
    const times: number[] = [];
    let version = versionOf((await bytesIn('/home/learner/app/Dockerfile')).toString());
    for (let i = 0; i < 20; i++) {
      const started = Date.now();
      const response = await save('app/Dockerfile', `FROM debian\nRUN echo ${i}\n`, { base: version });
      expect(response.status).toBe(200);
      version = ((await response.json()) as { version: string }).version;
      times.push(Date.now() - started);
    }
    console.log(`small save with base through HTTP: p50 ${quantile(times, 0.5)} ms, p95 ${quantile(times, 0.95)} ms (n=20)`);
  });

  it('reaches each node of a lab on its own', async () => {
    const labToken = newSessionToken(config.secret);
    const labSession = verifySessionToken(labToken, config.secret)!;
    try {
      const lab = await sandboxes.acquire(labSession, () => {}, undefined, 2);
      expect((await post('/api/files/file', { node: 2, path: 'which.txt', text: 'node2\n' }, labToken)).status).toBe(200);
      expect((await sh(lab.nodes[1]!, 'cat ~/which.txt')).stdout).toBe('node2\n');
      expect((await sh(lab.nodes[0]!, 'ls ~/which.txt 2>&1 || true')).stdout).toMatch(/No such file/);
      expect(await (await get('/api/files/file?node=2&path=which.txt', labToken)).json()).toMatchObject({ text: 'node2\n' });
      expect((await get('/api/files/file?node=1&path=which.txt', labToken)).status).toBe(404);
    } finally {
      // The lab's network goes with it.
      await sandboxes.reset(labSession);
    }
  });
});
