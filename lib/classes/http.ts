import '#server-only';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isOver, joinInput, joinRefusals, maxEndHours, newClassInput, normalizeCode, type JoinRefusal } from '.';
import { summarize, type Dashboard, type LessonSteps } from './dashboard';
import type { WarmSeatCount, WarmSeats } from './warm';
import type { CellDirectory } from '../server/cell';
import { cellCookie, classOfTeachToken, cookieHeader, readCookie, teachCookie, teachToken } from '../server/auth';
import { reply } from '../server/http';
import { log } from '../server/log';
import { HttpError, type Route, type RouteContext } from '../server/routes';
import { isLocale, localeFromAcceptLanguage } from '../i18n';
import { format } from '../i18n/format';
import { messages } from '../i18n/messages';
import type { SandboxManager } from '../sandbox/manager';
import type { ClassNewsItem, ClassRecord, Store } from '../store';

export interface ClassesConfig {
  secret: Buffer;
  /** A learner failing a step this long without passing anything since shows as stuck. */
  stuckAfterMs: number;
  /** Seats in a class unless the instructor asks for fewer; never more than the sandboxes there are. */
  defaultCapacity: number;
  maxCapacity: number;
  /** This server's cell, when the course runs on several (null on one server). */
  cell: string | null;
}

export interface ClassesDeps {
  config: ClassesConfig;
  store: Store;
  sandboxes: SandboxManager;
  /** The lessons of a class with their steps, or null when one of them is not in the course. */
  lessonsOf: (locale: string, lessons: string[]) => Promise<LessonSteps[] | null>;
  sessionOf: (request: IncomingMessage) => string | null;
  /** Classes with a start time have their seats warmed ahead of it; without this, none are. */
  warmSeats?: Pick<WarmSeats, 'update' | 'seats'>;
  /** The other cells, on a course of several: their warm seats count on dashboards, and members are sent to them. */
  cells?: Pick<CellDirectory, 'openCells' | 'warmElsewhere' | 'warmestFor'> | null;
  now?: () => number;
}

/** What a learner's pages show about their class: where it is, and whether it goes on. */
export interface LearnerClass {
  title: string;
  name: string;
  lessons: string[];
  pinned: string | null;
  ended: boolean;
}

const streamTickMs = 5000;
const maxStreams = 1000;
const checkIntervalMs = 30_000;

/**
 * Classes over HTTP: creating and joining them, the instructor's dashboard and its actions, and the
 * learner's view of their class. Dashboards and learners' pages follow changes live over server-sent
 * events, pushed when something happens and refreshed every few seconds (stuck times grow, sandboxes
 * come and go).
 */
export function createClasses({ config, store, sandboxes, lessonsOf, sessionOf, warmSeats, cells = null, now = Date.now }: ClassesDeps) {
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  let streams = 0;
  /** `activity` moves only the dashboard; `class` (a pin, the end) moves learners' pages too, here and on the other servers. */
  const changed = (classId: string, what: 'activity' | 'class') => {
    changes.emit(`activity:${classId}`);
    if (what === 'class') changes.emit(`class:${classId}`);
    tell({ classId, what });
  };
  const tell = (news: ClassNewsItem) => void store.news.announce(news).catch((error: unknown) => log.error('classes.news.failed', { error }));
  // A class's learners may be on other servers (cells): what happens there moves this server's pages, and
  // its end and resets reach the learners whose sandboxes are here.
  store.news.listen((news) => {
    if (news.what === 'reset') return void resetHere(news.classId, news.member);
    changes.emit(`activity:${news.classId}`);
    if (news.what === 'class') {
      changes.emit(`class:${news.classId}`);
      void endHere(news.classId);
    }
  });

  const hasSandbox = async (learner: string) => (await sandboxesOf([learner])).get(learner)!.nodes > 0;

  /** Members' sandboxes: here, or on the cell the store says holds each (one query for all who are not here). */
  async function sandboxesOf(learners: readonly string[]): Promise<Map<string, { nodes: number; cell: string | null }>> {
    const here = new Map(learners.map((learner) => [learner, sandboxes.lease(learner)?.nodes.length ?? 0]));
    const elsewhere = config.cell === null ? [] : learners.filter((learner) => here.get(learner) === 0);
    const places = await store.learnerPlaces(elsewhere);
    return new Map(learners.map((learner) => {
      const nodes = here.get(learner)!;
      return [learner, nodes ? { nodes, cell: config.cell } : (places.get(learner) ?? { nodes: 0, cell: null })];
    }));
  }

  /** A class's warm seats: this cell's, and those the other cells report ready. */
  async function warmSeatsOf(classId: string): Promise<WarmSeatCount | null> {
    const here = warmSeats?.seats(classId) ?? null;
    const elsewhere = cells ? await cells.warmElsewhere(classId) : 0;
    return here || elsewhere ? { warm: (here?.warm ?? 0) + elsewhere, starting: here?.starting ?? 0 } : null;
  }

  async function dashboard(klass: ClassRecord): Promise<Dashboard> {
    const members = await store.classes.members(klass.id);
    const places = await sandboxesOf(members.map((m) => m.learner));
    return summarize({
      klass,
      lessons: (await lessonsOf(klass.locale, klass.lessons)) ?? [],
      members,
      passes: await store.classes.passes(klass.id),
      attempts: await store.classes.attempts(klass.id),
      sandboxOf: (learner) => places.get(learner)!,
      warm: await warmSeatsOf(klass.id),
      now: now(),
      stuckAfterMs: config.stuckAfterMs,
    });
  }

  async function learnerClass(learner: string): Promise<LearnerClass | null> {
    const found = await store.classes.membership(learner);
    if (!found) return null;
    const { class: klass, member } = found;
    return { title: klass.title, name: member.name, lessons: klass.lessons, pinned: klass.pinned, ended: isOver(klass, now()) };
  }

  async function end(klass: ClassRecord) {
    await store.classes.end(klass.id);
    changed(klass.id, 'class');
    await endHere(klass.id);
  }

  /** A class that is over gives back its warm seats and the sandboxes of its members who are on this server. */
  async function endHere(classId: string) {
    try {
      const klass = await store.classes.byId(classId);
      if (!klass || !isOver(klass, now())) return;
      await warmSeats?.update();
      await Promise.all((await store.classes.members(classId)).map((member) => sandboxes.reset(member.learner, 'classEnded')));
    } catch (error) {
      log.error('classes.end.failed', { error });
    }
  }

  /** A member's fresh sandbox, where their sandbox is: a server without it does nothing. */
  async function resetHere(classId: string, memberId: number) {
    try {
      const member = (await store.classes.members(classId)).find((m) => m.id === memberId);
      if (member) await sandboxes.reset(member.learner, 'instructorReset');
    } catch (error) {
      log.error('classes.reset.failed', { error });
    }
  }

  /** Server-sent events: the current value at once, then again whenever it differs. */
  function stream(request: IncomingMessage, res: ServerResponse, events: string, render: () => Promise<object | null> | object | null) {
    if (streams >= maxStreams) throw new HttpError(503, wordsFor(request).errors.tooManyLiveViews);
    streams++;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    let last = '';
    let running: Promise<void> | null = null;
    let again = false;
    const push = async () => {
      const data = JSON.stringify(await render());
      // A comment when nothing changed keeps proxies from closing a quiet stream.
      res.write(data === last ? ':\n\n' : `data: ${data}\n\n`);
      last = data;
    };
    // One render at a time; changes during it are covered by one more render after it.
    const refresh = () => {
      if (running) return void (again = true);
      running = push()
        .catch(() => {})
        .finally(() => {
          running = null;
          if (again) (again = false), refresh();
        });
    };
    changes.on(events, refresh);
    const tick = setInterval(refresh, streamTickMs);
    request.on('close', () => {
      streams--;
      clearInterval(tick);
      changes.off(events, refresh);
    });
    refresh();
  }

  async function create(json: RouteContext['json'], res: ServerResponse) {
    const parsed = newClassInput.safeParse(await json());
    if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const { title, locale, lessons, hours, capacity = config.defaultCapacity, startsAt = null } = parsed.data;
    const t = messages[locale].classes.errors;
    if (!(await lessonsOf(locale, lessons))) throw new HttpError(400, t.lessonsNotInCourse);
    // On a course of several cells, a class may fill all the open ones.
    const maxCapacity = config.maxCapacity * (cells ? Math.max(1, (await cells.openCells()).length) : 1);
    if (capacity > maxCapacity) throw new HttpError(400, format(t.capacityTooLarge, { max: maxCapacity }));
    // A minute's grace: a start time of "now" takes a moment to reach the server.
    if (startsAt !== null && (startsAt < now() - 60_000 || startsAt > now() + maxEndHours * 3_600_000)) throw new HttpError(400, t.startOutOfRange);
    // The hours count from the start, when there is one.
    const endsAt = hours ? Math.max(now(), startsAt ?? 0) + hours * 3_600_000 : null;
    const klass = await store.classes.create({ title, locale, lessons, capacity, startsAt, endsAt });
    void warmSeats?.update();
    reply(res, 201, { teach: `/${locale}/teach/class#${teachToken(klass.id, config.secret)}`, code: klass.code, join: `/join/${klass.code}` });
  }

  async function join(request: IncomingMessage, json: RouteContext['json'], res: ServerResponse, learner: string) {
    const parsed = joinInput.safeParse(await json());
    if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const klass = await store.classes.byCode(normalizeCode(parsed.data.code));
    const refuse = (reason: JoinRefusal) => reply(res, joinRefusals[reason], { reason, error: (klass ? wordsOf(klass) : wordsFor(request)).refusals[reason] });
    if (!klass) return refuse('wrong');
    if (isOver(klass, now())) return refuse('ended');
    const member = await store.classes.join(klass.id, learner, parsed.data.name);
    if (member === 'full') return refuse('full');
    // A member with no sandbox yet goes to the cell with the most warm seats ready for the class (this one
    // when it has as many); one at work keeps their sandbox.
    const warmest = cells && !(await hasSandbox(learner)) ? await cells.warmestFor(klass.id) : null;
    if (warmest && warmest !== config.cell) res.setHeader('set-cookie', cookieHeader(request, cellCookie, warmest, { maxAgeSeconds: 86_400 }));
    changed(klass.id, 'activity');
    // The seat this member takes is one fewer to keep warm.
    void warmSeats?.update();
    const [module, lesson] = (klass.pinned ?? klass.lessons[0]!).split('/');
    reply(res, 200, { title: klass.title, lesson: `/${klass.locale}/${module}/${lesson}` });
  }

  /** The instructor's actions; the token in the path is what makes the caller the instructor. */
  async function act(json: RouteContext['json'], res: ServerResponse, klass: ClassRecord, action: string) {
    if (action === 'end') {
      await end(klass);
      return reply(res, 204);
    }
    if (action !== 'pin' && action !== 'reset') throw new HttpError(404, `no such action: ${action}`);
    const body = ((await json()) ?? {}) as { lesson?: unknown; member?: unknown };
    if (action === 'pin') {
      const lesson = body.lesson === null ? null : String(body.lesson);
      if (lesson !== null && !klass.lessons.includes(lesson)) throw new HttpError(400, wordsOf(klass).errors.notClassLesson);
      await store.classes.pin(klass.id, lesson);
      changed(klass.id, 'class');
      return reply(res, 204);
    }
    const member = (await store.classes.members(klass.id)).find((m) => m.id === body.member);
    if (!member) throw new HttpError(404, wordsOf(klass).errors.noSuchMember);
    // Done by the server that holds the member's sandbox, which may be another one.
    await resetHere(klass.id, member.id);
    tell({ classId: klass.id, what: 'reset', member: member.id });
    changed(klass.id, 'activity');
    reply(res, 204);
  }

  /** The class an instructor's link names; holding the link is what makes the caller the instructor. */
  async function classOfLink(request: IncomingMessage, token: string): Promise<ClassRecord> {
    const classId = classOfTeachToken(token, config.secret);
    const klass = classId && (await store.classes.byId(classId));
    if (!klass) throw new HttpError(404, wordsFor(request).badLink);
    return klass;
  }

  /** The words of the caller's language, for answers that concern no class yet; and of a class's language. */
  const wordsFor = (request: IncomingMessage) => messages[localeFromAcceptLanguage(request.headers['accept-language'])].classes;
  const wordsOf = (klass: ClassRecord) => messages[isLocale(klass.locale) ? klass.locale : 'en'].classes;

  const learnerOf = (request: IncomingMessage) => {
    const learner = sessionOf(request);
    if (!learner) throw new HttpError(401, 'no session');
    return learner;
  };

  const routes: Route[] = [
    {
      // The short link learners are given: it opens the join page in the class's language.
      method: 'GET',
      path: '/join/:code?',
      handle: async ({ request, response, params }) => {
        const code = params.code && /^[A-Za-z0-9-]{1,20}$/.test(params.code) ? normalizeCode(params.code) : '';
        const locale = (code && (await store.classes.byCode(code))?.locale) || localeFromAcceptLanguage(request.headers['accept-language']);
        response.writeHead(303, { location: `/${locale}/join${code ? `?code=${code}` : ''}`, 'cache-control': 'no-store' }).end();
      },
    },
    {
      method: 'GET',
      path: '/api/class',
      handle: async ({ request, response }) => {
        const learner = sessionOf(request);
        reply(response, 200, { class: learner && (await learnerClass(learner)) });
      },
    },
    {
      method: 'GET',
      path: '/api/class/events',
      handle: async ({ request, response }) => {
        const learner = learnerOf(request);
        const classId = (await store.classes.membership(learner))?.class.id;
        stream(request, response, `class:${classId}`, () => learnerClass(learner));
      },
    },
    { method: 'POST', path: '/api/classes', handle: ({ response, json }) => create(json, response) },
    { method: 'POST', path: '/api/classes/join', handle: ({ request, response, json }) => join(request, json, response, learnerOf(request)) },
    {
      method: 'GET',
      path: '/api/teach/:token',
      handle: async ({ request, response, params }) => {
        const klass = await classOfLink(request, params.token!);
        allowPreviews(request, response, klass, params.token!);
        reply(response, 200, await dashboard(klass));
      },
    },
    {
      method: 'GET',
      path: '/api/teach/:token/events',
      handle: async ({ request, response, params }) => {
        const klass = await classOfLink(request, params.token!);
        allowPreviews(request, response, klass, params.token!);
        stream(request, response, `activity:${klass.id}`, async () => dashboard((await store.classes.byId(klass.id))!));
      },
    },
    {
      method: 'POST',
      path: '/api/teach/:token/:action',
      handle: async ({ request, response, params, json }) => act(json, response, await classOfLink(request, params.token!), params.action!),
    },
  ];

  /** Lets this browser open the previews of the class's learners (the cookie's path keeps it away from everything else). */
  function allowPreviews(request: IncomingMessage, response: ServerResponse, klass: ClassRecord, token: string) {
    response.setHeader('set-cookie', cookieHeader(request, teachCookie(klass.id), token, { path: '/preview/', maxAgeSeconds: 86_400 }));
  }

  /** Whether the request comes from the instructor of a class the learner is in, while it runs. */
  async function instructorMayOpen(request: IncomingMessage, learner: string): Promise<boolean> {
    const found = await store.classes.membership(learner);
    if (!found || isOver(found.class, now())) return false;
    return classOfTeachToken(readCookie(request.headers.cookie, teachCookie(found.class.id)), config.secret) === found.class.id;
  }

  /** The learner an instructor's read-only view asks for (class token, member id), if the class runs. */
  async function watchedSession({ classToken, member }: { classToken: string; member: string }): Promise<string | null> {
    const classId = classOfTeachToken(classToken, config.secret);
    const klass = classId && (await store.classes.byId(classId));
    if (!klass || isOver(klass, now())) return null;
    return (await store.classes.members(klass.id)).find((m) => String(m.id) === member)?.learner ?? null;
  }

  /** Classes with an end time end by themselves, and their sandboxes go with them. */
  const endDue = async () => Promise.all((await store.classes.due(now())).map(end));
  const timer = setInterval(() => void endDue().catch((error: unknown) => log.error('classes.end.failed', { error })), checkIntervalMs);
  timer.unref();

  return {
    routes,
    instructorMayOpen,
    watchedSession,
    /** A learner ran a check: their class's dashboard may have moved. */
    checked(learner: string) {
      store.classes.membership(learner).then(
        (found) => found && !isOver(found.class, now()) && changed(found.class.id, 'activity'),
        (error: unknown) => log.error('classes.checked.failed', { error }),
      );
    },
    endDue,
    stop: () => clearInterval(timer),
  };
}
