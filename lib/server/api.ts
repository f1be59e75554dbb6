import '#server-only';
import type { IncomingMessage } from 'node:http';
import { describeProblem } from '../checks/describe';
import { evaluate } from '../checks/evaluate';
import { findCheck, findQuiz, sandboxNodesOf } from '../content/checks';
import { grade, readAnswer } from '../quizzes/grade';
import { messages } from '../i18n/messages';
import type { Engine } from '../sandbox/engine';
import type { ExtendRefusal, SandboxManager } from '../sandbox/manager';
import type { Watchdog } from '../sandbox/watchdog';
import type { Store } from '../store';
import { maxLabNodes, rescues, type Rescue } from '../terminal-protocol';
import { cellCookie, cookieHeader, newSessionToken, sessionCookie, sessionOf, sessionTokenOf, verifySessionToken } from './auth';
import type { Config } from './config';
import type { Metrics } from './metrics';
import { reply } from './http';
import { HttpError, type Route } from './routes';

export interface ApiDeps {
  config: Config;
  engine: Engine;
  sandboxes: SandboxManager;
  store: Store;
  /** Told of every check a learner runs, so their class's dashboard can follow. */
  checked: (learner: string) => void;
  metrics: Pick<Metrics, 'checkRan'>;
  health: Pick<Watchdog, 'rescue'>;
}

/**
 * The learner's endpoints: their session, their progress, their sandbox and its checks. They live beside
 * the WebSocket in the server process, outside Next.js, so that nothing Next bundles imports the engine.
 */
export function apiRoutes({ config, engine, sandboxes, store, checked, metrics, health }: ApiDeps): Route[] {
  const learner = (request: IncomingMessage) => {
    const session = sessionOf(request, config.secret);
    if (!session) throw new HttpError(401, 'no session');
    return session;
  };

  return [
    {
      // The private link that carries a learner's progress to another browser: it is their session token.
      method: 'GET',
      path: '/continue/:token',
      handle: async ({ request, response, params }) => {
        const session = verifySessionToken(params.token, config.secret);
        if (session) {
          // On a course of several cells, back to the cell where the learner's sandbox is, if it has one.
          const place = config.cell.name ? (await store.learnerPlaces([session])).get(session) : undefined;
          const cell = place?.nodes ? [cookieHeader(request, cellCookie, place.cell, { maxAgeSeconds: 86_400 })] : [];
          response.setHeader('set-cookie', [cookieHeader(request, sessionCookie, params.token!), ...cell]);
        }
        response.writeHead(303, { location: '/', 'cache-control': 'no-store' }).end();
      },
    },
    {
      method: 'GET',
      path: '/api/progress',
      handle: async ({ request, response }) => {
        const session = sessionOf(request, config.secret);
        reply(response, 200, session ? await store.progress(session) : { passed: {}, last: null });
      },
    },
    {
      // A lesson page asks first thing, naming itself (`?lesson=/en/module/lesson`): its sandbox starts at once.
      method: 'POST',
      path: '/api/session',
      handle: ({ request, response }) => {
        const session = sessionOf(request, config.secret);
        const token = session ? sessionTokenOf(request)! : newSessionToken(config.secret);
        if (!session) response.setHeader('set-cookie', cookieHeader(request, sessionCookie, token));
        const lesson = new URL(request.url ?? '', 'http://course').searchParams.get('lesson');
        if (lesson) claimLesson(sandboxes, verifySessionToken(token, config.secret)!, lesson);
        // An embedded lesson keeps its token itself; a page of the course leaves it in the HttpOnly cookie.
        // With its cell: HAProxy's cookie does not reach an iframe, so the page names the cell itself.
        if (request.headers['x-course-embed'] === '1') reply(response, 200, { token, cell: config.cell.name });
        else reply(response, 204);
      },
    },
    {
      method: 'POST',
      path: '/api/learner/link',
      handle: ({ request, response }) => {
        learner(request);
        reply(response, 200, { path: `/continue/${encodeURIComponent(sessionTokenOf(request)!)}` });
      },
    },
    {
      method: 'POST',
      path: '/api/sandbox/reset',
      handle: async ({ request, response }) => {
        await sandboxes.reset(learner(request));
        reply(response, 202);
      },
    },
    {
      // The way out of what the watchdog told the learner: stop the runaway processes, prune Docker's
      // data, start the daemon again. It acts on the node the learner's tab shows.
      method: 'POST',
      path: '/api/sandbox/rescue',
      handle: async ({ request, response, json }) => {
        const session = learner(request);
        const { rescue, node = 1 } = ((await json()) ?? {}) as { rescue?: unknown; node?: unknown };
        if (!rescues.includes(rescue as Rescue) || !Number.isInteger(node) || (node as number) < 1 || (node as number) > maxLabNodes) throw new HttpError(400, 'rescue must be one of ' + rescues.join(', ') + ', node a node number');
        const containerId = sandboxes.lease(session)?.nodes[(node as number) - 1];
        if (!containerId) throw new HttpError(409, 'no sandbox');
        sandboxes.touch(session);
        reply(response, 200, await health.rescue(containerId, rescue as Rescue));
      },
    },
    {
      // More time before the time limit, once its warning shows; every terminal of the learner hears the new deadline.
      method: 'POST',
      path: '/api/sandbox/extend',
      handle: async ({ request, response }) => {
        const extended = await sandboxes.extend(learner(request));
        if (typeof extended === 'string') throw new HttpError(extended === 'noSandbox' ? 404 : 409, extendRefusals[extended], { reason: extended });
        reply(response, 200, { expiresAt: extended.expiresAt });
      },
    },
    {
      // The page says which check; the server finds it in the course and asks the learner's own daemon.
      method: 'POST',
      path: '/api/check',
      handle: async ({ request, response, json }) => {
        const session = learner(request);
        const { path: page, id } = ((await json()) ?? {}) as { path?: unknown; id?: unknown };
        const found = typeof page === 'string' && typeof id === 'string' ? await findCheck(page, id) : null;
        if (!found) throw new HttpError(404, 'no such check');
        const lease = sandboxes.lease(session);
        if (!lease) throw new HttpError(409, messages[found.locale].checkReplies.openTerminalFirst);
        sandboxes.touch(session);
        const result = await evaluate(found.check, (args) => engine.run(lease.nodes[0]!, ['docker', ...args]));
        await store.recordCheck(session, found.lesson, found.check.id, result.passed);
        checked(session);
        metrics.checkRan(result.passed);
        reply(response, 200, result.passed ? { passed: true } : { passed: false, message: describeProblem(result.problem, found.locale), hint: found.check.hint });
      },
    },
    {
      // A quiz is graded here, from the compiled course: the page never holds the answers. An answer counts
      // like a check (a right one is a passed step; a wrong one a failed attempt the class dashboard sees).
      method: 'POST',
      path: '/api/quiz',
      handle: async ({ request, response, json }) => {
        const session = learner(request);
        const { path: page, id, answer } = ((await json()) ?? {}) as { path?: unknown; id?: unknown; answer?: unknown };
        const found = typeof page === 'string' && typeof id === 'string' ? await findQuiz(page, id) : null;
        if (!found) throw new HttpError(404, 'no such quiz');
        const chosen = readAnswer(found.quiz, answer);
        if (typeof chosen === 'string') throw new HttpError(400, chosen);
        const graded = grade(found.quiz, chosen);
        await store.recordCheck(session, found.lesson, found.quiz.id, graded.correct);
        checked(session);
        reply(response, 200, graded);
      },
    },
  ];
}

const extendRefusals: Record<ExtendRefusal, string> = {
  noSandbox: 'no sandbox to extend',
  tooEarly: 'time can be added once the time-limit warning shows',
  atMost: 'the sandbox has had all the time it may',
};

/** Requests a browser makes ahead of a visit (link prefetches, speculation): they must start nothing. */
const isPrefetch = (request: IncomingMessage) =>
  request.headers['next-router-prefetch'] !== undefined || request.headers.purpose === 'prefetch' || /prefetch|prerender/.test(String(request.headers['sec-purpose'] ?? ''));

/**
 * A returning learner who opens a lesson page gets their sandbox started while the page loads. Only a
 * real visit with a valid session claims: prefetches, crawlers and first visitors (who have no session
 * yet; their page's own session call claims) start nothing.
 */
export function claimOnPageLoad({ config, sandboxes }: Pick<ApiDeps, 'config' | 'sandboxes'>) {
  return (request: IncomingMessage) => {
    if (request.method !== 'GET' || isPrefetch(request)) return;
    const session = sessionOf(request, config.secret);
    const path = request.url?.split('?')[0];
    if (session && path) claimLesson(sandboxes, session, path);
  };
}

/** Starts the learner's sandbox for a lesson page while the page loads (nothing for a lesson without one, or a path that is no lesson). */
function claimLesson(sandboxes: SandboxManager, session: string, pagePath: string) {
  void sandboxNodesOf(pagePath).then((nodes) => nodes && sandboxes.claim(session, nodes), () => {});
}
