// The course server: one process, one port, serving the Next.js site, the sandbox API and the
// terminal WebSocket. This file is the composition root: it reads the config and wires the parts.
import { createServer, type IncomingMessage } from 'node:http';
import path from 'node:path';
import next from 'next';
import { apiRoutes, claimOnPageLoad } from './lib/server/api';
import { previewToken, sessionOf } from './lib/server/auth';
import { lessonSteps, sandboxNodesOf } from './lib/content/checks';
import { createClasses } from './lib/classes/http';
import { createWarmSeats } from './lib/classes/warm';
import { loadConfig } from './lib/server/config';
import { learnerId, log } from './lib/server/log';
import { createMetrics } from './lib/server/metrics';
import { CellDirectory, cellState, LearnerPlaces, startAgent } from './lib/server/cell';
import { createOperator } from './lib/server/operator';
import { localeFromAcceptLanguage } from './lib/i18n';
import { createPreview, previewPath, previewPrefix } from './lib/preview';
import { RateLimiter } from './lib/server/rate-limit';
import { createRouter } from './lib/server/routes';
import { Engine } from './lib/sandbox/engine';
import { SandboxManager } from './lib/sandbox/manager';
import { DaemonEvents } from './lib/sandbox/events';
import { PortWatches } from './lib/sandbox/ports';
import { StateWatches } from './lib/sandbox/state';
import { Watchdog } from './lib/sandbox/watchdog';
import { openPostgresStore } from './lib/store/postgres';
import { openSqliteStore } from './lib/store/sqlite';
import { SandboxFiles } from './lib/workspace/files';
import { workspaceRoutes } from './lib/workspace/routes';
import { createTerminalGateway } from './lib/terminal-gateway';
import { socketPaths } from './lib/terminal-protocol';

const config = loadConfig();
const app = next({ dev: config.dev, hostname: 'localhost', port: config.port });
const handleNext = app.getRequestHandler();

const engine = Engine.connect(config.engine);
const store = config.databaseUrl ? await openPostgresStore(config.databaseUrl) : openSqliteStore(path.join(config.stateDir, 'course.db'));
// Servers sharing a database sign with one secret, so a learner's session is good on each of them.
if (!config.secretFromEnvironment) config.secret = await store.sharedSecret(config.secret);
// A learner may take the warm seats of the class they joined (see lib/classes/warm.ts).
const sandboxes = new SandboxManager(engine, config.sandbox, Date.now, async (session) => (await store.classes.membership(session))?.class.id ?? null);
// One `docker events` stream per sandbox, shared by its port watch, its Docker-state panels and its watchdog.
const events = new DaemonEvents(engine);
const ports = new PortWatches(engine, events);
const states = new StateWatches(engine, events);
// Gauges read their sources at scrape time; the gateway they count is made below.
const metrics = createMetrics({
  sandboxes: () => sandboxes.counts,
  openSockets: () => gateway.openSockets,
  classesLive: () => store.classes.liveCount(Date.now()),
});
// The watchdog of the sandboxes terminals show; what it finds is counted for operators.
const health = new Watchdog(engine, events, { instance: config.sandbox.instance, pollMs: config.sandbox.watchMs, memoryBytes: config.sandbox.memoryBytes }, (kind) => {
  metrics.watchdogEvent(kind);
  log.warn('watchdog.noticed', { kind });
});
sandboxes.on('started', (ms) => {
  metrics.sandboxStarted(ms);
  log.info('sandbox.started', { ms });
});
sandboxes.on('ended', (session, reason) => log.info('lease.ended', { learner: learnerId(session), reason }));
// Cells keep where each learner's sandbox is, for dashboards on the other cells and for learners who arrive from a lost one.
const places = config.cell.name ? new LearnerPlaces(store, config.cell.name, (error) => log.error('cell.place.failed', { error })) : null;
if (places) {
  sandboxes.on('leased', (session, nodes) => places.leased(session, nodes));
  sandboxes.on('ended', (session) => places.ended(session));
}
const clientAddress = (request: IncomingMessage) => request.socket.remoteAddress ?? 'unknown';
const learnerOf = (request: IncomingMessage) => sessionOf(request, config.secret);
// Per client address; a classroom of learners often shares one address, so a whole class fits in the burst.
const requests = new RateLimiter(20, 100);
const guard = { allowedOrigins: config.allowedOrigins, allow: (request: IncomingMessage) => requests.allow(clientAddress(request)) };
// Cells share each class's warm seats and send its members to where one is ready. A full cell still counts
// as open for this: its warm seats are what fill it.
const cells = config.cell.name
  ? new CellDirectory(store, config.cell.name, async () => ['open', 'full'].includes(cellState(await operator.reading())), () => warmSeats.ready(), (error) => log.error('cell.report.failed', { error }))
  : null;
const warmSeats = createWarmSeats({ config: config.classes, store, sandboxes, nodesOf: (locale, lesson) => sandboxNodesOf(`/${locale}/${lesson}`), cells });
const classes = createClasses({
  config: { secret: config.secret, ...config.classes, maxCapacity: config.sandbox.capacity, cell: config.cell.name },
  store,
  sandboxes,
  lessonsOf: lessonSteps,
  sessionOf: learnerOf,
  warmSeats,
  cells,
});
// A preview's address names the cell of its sandbox, so HAProxy sends an instructor on another cell there.
const previewTokenOf = (containerId: string) => `${config.cell.name ? `${config.cell.name}.` : ''}${previewToken(config.secret, containerId)}`;
const preview = createPreview({
  async resolve(token) {
    const found = sandboxes.findNode((id) => previewTokenOf(id) === token);
    const address = found && (await engine.address(found.containerId, config.sandbox.network));
    return found && address ? { session: found.lease.session, address, ports: await ports.ports(found.containerId) } : null;
  },
  mayOpen: (request, learner) => learnerOf(request) === learner || classes.instructorMayOpen(request, learner),
  locale: (request) => localeFromAcceptLanguage(request.headers['accept-language']),
});
let ready = false;
// A draining cell takes no new learners and keeps its own until they leave (SIGUSR2; a restart opens it again).
let draining = false;
const operator = createOperator({
  capacity: config.sandbox.capacity,
  metricsToken: config.metricsToken,
  ready: () => ready,
  ping: () => engine.ping(),
  counts: () => sandboxes.counts,
  metrics,
  cell: { name: config.cell.name, draining: () => draining },
});
// Every HTTP endpoint outside Next.js, in one table: the learner's API, classes, port previews, and the operators' health and metrics.
// The workspace: the learner's files in their sandbox, for the editor beside the terminal.
const workspace = workspaceRoutes({ secret: config.secret, sandboxes, files: new SandboxFiles(engine) });
const routes = createRouter([...apiRoutes({ config, engine, sandboxes, store, checked: classes.checked, metrics, health }), ...workspace, ...classes.routes, ...preview.routes, ...operator.routes], guard);
const claimSandbox = claimOnPageLoad({ config, sandboxes });
const gateway = createTerminalGateway({
  openShell: (...args) => engine.openShell(...args),
  sandboxes,
  ports,
  states,
  health,
  previewUrl: (containerId, port) => previewPath(previewTokenOf(containerId), port),
  sessionOf: learnerOf,
  watchedSession: classes.watchedSession,
  movedHere: places ? (session) => places.movedHere(session) : undefined,
  isAllowedOrigin: (origin) => origin !== undefined && config.allowedOrigins.includes(origin),
  connections: new RateLimiter(10, 60),
  clientAddress,
  metrics,
});

await app.prepare();
// Without an engine the site still serves lessons; terminals say so and the manager keeps trying.
await sandboxes.start();
health.start();

// Lessons may be framed only by the course itself, and under /embed/ by the sites the operator allows.
const frameAncestors = (url = '') => `frame-ancestors 'self'${url.startsWith('/embed/') ? config.embedOrigins.map((o) => ` ${o}`).join('') : ''}`;

const server = createServer((request, response) => {
  response.setHeader('content-security-policy', frameAncestors(request.url));
  // Which cell answered: for operators, and for HAProxy's tests.
  if (config.cell.name) response.setHeader('x-course-cell', config.cell.name);
  if (routes(request, response)) return;
  claimSandbox(request);
  void handleNext(request, response);
});
const handleNextUpgrade = app.getUpgradeHandler();
server.on('upgrade', (request, socket, head) => {
  const path = request.url?.split('?')[0];
  if (path === socketPaths.terminal || path === socketPaths.watch) gateway.handleUpgrade(request, socket, head);
  else if (request.url?.startsWith(previewPrefix)) preview.handleUpgrade(request, socket, head);
  else if (config.dev) void handleNextUpgrade(request, socket, head);
  else socket.destroy();
});
server.listen(config.port, config.host, () => {
  ready = true;
  log.info('server.ready', { port: config.port, url: `http://localhost:${config.port}` });
  cells?.start();
});
const agent = config.cell.agentPort === null ? null : startAgent(config.cell.agentPort, config.host, operator.reading, (error) => log.error('cell.agent.failed', { error }));
process.on('SIGUSR2', () => {
  draining = true;
  log.info('cell.draining', { cell: config.cell.name });
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A load balancer reading /healthz stops sending learners here while the server closes.
    ready = false;
    log.info('server.stopping', { signal });
    // Sandboxes stay up: the next start adopts them, so learners keep their work across restarts.
    sandboxes.stop();
    health.stop();
    classes.stop();
    warmSeats.stop();
    cells?.stop();
    gateway.close();
    agent?.close();
    server.close(() => void store.close().finally(() => process.exit(0)));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
