import '#server-only';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { classOfTeachToken, isOver, joinInput, joinRefusals, newClassInput, normalizeCode, teachToken, type JoinRefusal } from '.';
import { summarize, type Dashboard, type LessonSteps } from './dashboard';
import { readJson, refusePost, reply, type PostGuard } from '../server/http';
import { localeFromAcceptLanguage } from '../i18n';
import { messages } from '../i18n/messages';
import type { SandboxManager } from '../sandbox/manager';
import type { ClassRecord, Store } from '../store';

export interface ClassesConfig {
  secret: Buffer;
  /** A learner failing a step this long without passing anything since shows as stuck. */
  stuckAfterMs: number;
  /** Seats in a class unless the instructor asks for fewer; never more than the sandboxes there are. */
  defaultCapacity: number;
  maxCapacity: number;
}

export interface ClassesDeps {
  config: ClassesConfig;
  store: Store;
  sandboxes: SandboxManager;
  guard: PostGuard;
  /** The lessons of a class with their steps, or null when one of them is not in the course. */
  lessonsOf: (locale: string, lessons: string[]) => Promise<LessonSteps[] | null>;
  sessionOf: (request: IncomingMessage) => string | null;
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

/** The dashboard's cookie that lets an instructor open their learners' previews; one per class. */
const previewCookie = (classId: string) => `course_teach_${classId}`;
const streamTickMs = 5000;
const maxStreams = 1000;
const checkIntervalMs = 30_000;

/**
 * Classes over HTTP: creating and joining them, the instructor's dashboard and its actions, and the
 * learner's view of their class. Dashboards and learners' pages follow changes live over server-sent
 * events, pushed when something happens and refreshed every few seconds (stuck times grow, sandboxes
 * come and go).
 */
export function createClasses({ config, store, sandboxes, guard, lessonsOf, sessionOf, now = Date.now }: ClassesDeps) {
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  let streams = 0;
  /** `activity` moves only the dashboard; `class` (a pin, the end) moves learners' pages too. */
  const changed = (classId: string, what: 'activity' | 'class') => {
    changes.emit(`activity:${classId}`);
    if (what === 'class') changes.emit(`class:${classId}`);
  };

  async function dashboard(klass: ClassRecord): Promise<Dashboard> {
    return summarize({
      klass,
      lessons: (await lessonsOf(klass.locale, klass.lessons)) ?? [],
      members: store.classes.members(klass.id),
      passes: store.classes.passes(klass.id),
      attempts: store.classes.attempts(klass.id),
      nodesOf: (learner) => sandboxes.lease(learner)?.nodes.length ?? 0,
      now: now(),
      stuckAfterMs: config.stuckAfterMs,
    });
  }

  function learnerClass(learner: string): LearnerClass | null {
    const found = store.classes.membership(learner);
    if (!found) return null;
    const { class: klass, member } = found;
    return { title: klass.title, name: member.name, lessons: klass.lessons, pinned: klass.pinned, ended: isOver(klass, now()) };
  }

  async function end(klass: ClassRecord) {
    store.classes.end(klass.id);
    changed(klass.id, 'class');
    await Promise.all(store.classes.members(klass.id).map((member) => sandboxes.reset(member.learner, 'classEnded')));
  }

  /** Server-sent events: the current value at once, then again whenever it differs. */
  function stream(request: IncomingMessage, res: ServerResponse, events: string, render: () => Promise<object | null> | object | null) {
    if (streams >= maxStreams) return reply(res, 503, { error: 'too many live views; try again shortly' });
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

  async function create(request: IncomingMessage, res: ServerResponse) {
    const parsed = newClassInput.safeParse(await readJson(request));
    if (!parsed.success) return reply(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const { title, locale, lessons, hours, capacity = config.defaultCapacity } = parsed.data;
    if (!(await lessonsOf(locale, lessons))) return reply(res, 400, { error: 'lessons: not every lesson is in the course' });
    if (capacity > config.maxCapacity) return reply(res, 400, { error: `capacity: at most ${config.maxCapacity} learners fit on this server` });
    const klass = store.classes.create({ title, locale, lessons, capacity, endsAt: hours ? now() + hours * 3_600_000 : null });
    reply(res, 201, { teach: `/${locale}/teach/class#${teachToken(klass.id, config.secret)}`, code: klass.code, join: `/join/${klass.code}` });
  }

  async function join(request: IncomingMessage, res: ServerResponse, learner: string) {
    const parsed = joinInput.safeParse(await readJson(request));
    if (!parsed.success) return reply(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const klass = store.classes.byCode(normalizeCode(parsed.data.code));
    const refuse = (reason: JoinRefusal) => reply(res, joinRefusals[reason], { reason, error: messages.en.classes.refusals[reason] });
    if (!klass) return refuse('wrong');
    if (isOver(klass, now())) return refuse('ended');
    const member = store.classes.join(klass.id, learner, parsed.data.name);
    if (member === 'full') return refuse('full');
    changed(klass.id, 'activity');
    const [module, lesson] = (klass.pinned ?? klass.lessons[0]!).split('/');
    reply(res, 200, { title: klass.title, lesson: `/${klass.locale}/${module}/${lesson}` });
  }

  /** The instructor's actions; the token in the path is what makes the caller the instructor. */
  async function act(request: IncomingMessage, res: ServerResponse, klass: ClassRecord, action: string) {
    if (action === 'end') {
      await end(klass);
      return reply(res, 204);
    }
    const body = ((await readJson(request)) ?? {}) as { lesson?: unknown; member?: unknown };
    if (action === 'pin') {
      const lesson = body.lesson === null ? null : String(body.lesson);
      if (lesson !== null && !klass.lessons.includes(lesson)) return reply(res, 400, { error: 'lesson: not a lesson of this class' });
      store.classes.pin(klass.id, lesson);
      changed(klass.id, 'class');
      return reply(res, 204);
    }
    const member = store.classes.members(klass.id).find((m) => m.id === body.member);
    if (!member) return reply(res, 404, { error: 'member: no such learner in this class' });
    await sandboxes.reset(member.learner, 'instructorReset');
    changed(klass.id, 'activity');
    reply(res, 204);
  }

  function handle(request: IncomingMessage, res: ServerResponse): boolean {
    const path = request.url?.split('?')[0] ?? '';
    const fail = (error: Error) => (res.headersSent ? res.destroy() : reply(res, 400, { error: error.message }));

    // The short link learners are given: it opens the join page in the class's language.
    const joinLink = /^\/join(?:\/([A-Za-z0-9-]{1,20}))?\/?$/.exec(path);
    if (joinLink && request.method === 'GET') {
      const code = joinLink[1] ? normalizeCode(joinLink[1]) : '';
      const locale = (code && store.classes.byCode(code)?.locale) || localeFromAcceptLanguage(request.headers['accept-language']);
      res.writeHead(303, { location: `/${locale}/join${code ? `?code=${code}` : ''}`, 'cache-control': 'no-store' }).end();
      return true;
    }

    if (path === '/api/class' || path === '/api/class/events') {
      const learner = sessionOf(request);
      if (path === '/api/class') reply(res, 200, { class: learner && learnerClass(learner) });
      else if (!learner) reply(res, 401, { error: 'no session' });
      else {
        const classId = store.classes.membership(learner)?.class.id;
        stream(request, res, `class:${classId}`, () => learnerClass(learner));
      }
      return true;
    }

    if (path === '/api/classes' || path === '/api/classes/join') {
      if (refusePost(request, res, guard)) return true;
      if (path === '/api/classes') create(request, res).catch(fail);
      else {
        const learner = sessionOf(request);
        if (!learner) reply(res, 401, { error: 'no session' });
        else join(request, res, learner).catch(fail);
      }
      return true;
    }

    const teach = /^\/api\/teach\/([^/]+)(?:\/(events|pin|reset|end))?$/.exec(path);
    if (!teach) return false;
    const classId = classOfTeachToken(decodeURIComponent(teach[1]!), config.secret);
    const klass = classId && store.classes.byId(classId);
    if (!klass) return reply(res, 404, { error: 'This instructor link is not valid. Use the whole link you were given when the class was made.' }), true;
    const action = teach[2];
    if (!action || action === 'events') {
      if (request.method !== 'GET') return reply(res, 405, { error: 'use GET' }), true;
      // Lets this browser open the previews of the class's learners (the path keeps it away from everything else).
      res.setHeader('set-cookie', `${previewCookie(klass.id)}=${decodeURIComponent(teach[1]!)}; Path=/preview/; HttpOnly; SameSite=Lax; Max-Age=86400`);
      const current = () => store.classes.byId(klass.id)!;
      if (action) stream(request, res, `activity:${klass.id}`, () => dashboard(current()));
      else dashboard(klass).then((board) => reply(res, 200, board), fail);
      return true;
    }
    if (!refusePost(request, res, guard)) act(request, res, klass, action).catch(fail);
    return true;
  }

  /** Whether the request comes from the instructor of a class the learner is in, while it runs. */
  function instructorMayOpen(request: IncomingMessage, learner: string): boolean {
    const found = store.classes.membership(learner);
    if (!found || isOver(found.class, now())) return false;
    const cookie = request.headers.cookie?.split(';').find((part) => part.trim().startsWith(`${previewCookie(found.class.id)}=`));
    return classOfTeachToken(cookie?.split('=')[1]?.trim(), config.secret) === found.class.id;
  }

  /** The learner an instructor's read-only view asks for (`class` token, `member` id), if the class runs. */
  function watchedSession(query: URLSearchParams): string | null {
    const classId = classOfTeachToken(query.get('class'), config.secret);
    const klass = classId && store.classes.byId(classId);
    if (!klass || isOver(klass, now())) return null;
    return store.classes.members(klass.id).find((m) => String(m.id) === query.get('member'))?.learner ?? null;
  }

  /** Classes with an end time end by themselves, and their sandboxes go with them. */
  const endDue = () => Promise.all(store.classes.due(now()).map(end));
  const timer = setInterval(() => void endDue(), checkIntervalMs);
  timer.unref();

  return {
    handle,
    instructorMayOpen,
    watchedSession,
    /** A learner ran a check: their class's dashboard may have moved. */
    checked(learner: string) {
      const klass = store.classes.membership(learner)?.class;
      if (klass && !isOver(klass, now())) changed(klass.id, 'activity');
    },
    endDue,
    stop: () => clearInterval(timer),
  };
}
