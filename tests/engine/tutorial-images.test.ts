import { afterAll, beforeAll, expect, it } from 'vitest';
import { manager, newSession, removeAllSandboxes, sh } from './helpers';

// Images that tutorials outside the course use, in the mirror as Debian builds laid out like the official
// ones: what such a tutorial types works in a learner's sandbox.
const sandboxes = manager();
let id: string;

beforeAll(async () => {
  await removeAllSandboxes();
  await sandboxes.start();
  id = (await sandboxes.acquire(newSession())).nodes[0]!;
});

afterAll(async () => {
  sandboxes.stop();
  await removeAllSandboxes();
});

it('httpd serves the pages copied into /usr/local/apache2/htdocs, as in the official image', async () => {
  const served = await sh(
    id,
    `mkdir -p site && echo '<h1>from htdocs</h1>' > site/index.html &&
     docker run -d --name web -p 8088:80 -v "$PWD/site":/usr/local/apache2/htdocs:ro httpd >/dev/null &&
     for i in $(seq 30); do curl -fsS localhost:8088/ 2>/dev/null && break; sleep 1; done; docker rm -f web >/dev/null`,
    'learner',
    180_000,
  );
  expect(served.stdout).toContain('<h1>from htdocs</h1>');
  const plain = await sh(id, 'docker run --rm httpd cat /usr/local/apache2/htdocs/index.html', 'learner', 60_000);
  expect(plain.stdout).toContain('It works!');
}, 240_000);

it('golang builds a program of the standard library into a static binary', async () => {
  const built = await sh(
    id,
    `docker image rm -f httpd >/dev/null; mkdir -p hello && cd hello &&
     printf 'package main\\n\\nimport "fmt"\\n\\nfunc main() { fmt.Println("hello from go") }\\n' > main.go &&
     docker run --rm -v "$PWD":/go/src/hello -w /go/src/hello golang sh -c 'go mod init hello >/dev/null 2>&1; go build -o hello . && ./hello && (ldd ./hello 2>&1 || true)'`,
    'learner',
    300_000,
  );
  expect(built.exitCode, built.stdout + built.stderr).toBe(0);
  expect(built.stdout).toContain('hello from go');
  expect(built.stdout).toMatch(/not a dynamic executable/);
}, 360_000);
