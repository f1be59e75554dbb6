import '#server-only';
/**
 * What the course remembers about learners and classes, behind one small interface: an embedded SQLite
 * file by default (lib/store/sqlite.ts), or PostgreSQL (lib/store/postgres.ts) when the course runs on
 * more than one machine. Every call is asynchronous, as a server database's must be.
 */
export interface Store {
  /** Records a learner's attempt at a check of a lesson (`module/lesson`); a pass is kept once. */
  recordCheck(learner: string, lesson: string, check: string, passed: boolean): Promise<void>;
  /** Every check the learner has passed, by lesson, and the lesson they last worked in. */
  progress(learner: string): Promise<Progress>;
  classes: ClassStore;
  /**
   * Which cell holds a learner's sandbox, and its machines (0: none now), for servers that are cells of one
   * course: a dashboard on one cell shows and opens the learners of the others. `nodes` 0 marks the
   * learner gone from that cell only if it is still the one on record.
   */
  placeLearner(learner: string, cell: string, nodes: number): Promise<void>;
  /** The places on record of these learners, in one query (a dashboard asks for a whole class at once). */
  learnerPlaces(learners: readonly string[]): Promise<Map<string, LearnerPlace>>;
  /** News of classes between the servers sharing this store: each hears the others', not its own. */
  news: ClassNews;
  /** What each cell says of itself every few seconds, for the others: whether it takes newcomers, and its warm seats. */
  cells: CellReports;
  /**
   * The secret that signs sessions, the same for every server sharing this store so that a learner's
   * session is good on each: the stored one, or `candidate`, stored by the first server to ask.
   */
  sharedSecret(candidate: Buffer): Promise<Buffer>;
  close(): Promise<void>;
}

export interface CellReport {
  cell: string;
  /** It takes new learners (up and not draining; a full one still counts, since its warm seats fill it). */
  open: boolean;
  /** Warm seats ready now, by class id. */
  warm: Record<string, number>;
}

export interface CellReports {
  report(report: CellReport): Promise<void>;
  /** The reports made within the last `withinMs`, by cell name. */
  recent(withinMs: number): Promise<CellReport[]>;
}

export interface LearnerPlace {
  cell: string;
  nodes: number;
}

export interface Progress {
  passed: Record<string, string[]>;
  last: string | null;
}

export interface ClassRecord {
  id: string;
  title: string;
  locale: string;
  /** `module/lesson`, in the order the class takes them. */
  lessons: string[];
  /** What learners type to join: short, upper case, without look-alike characters. */
  code: string;
  capacity: number;
  createdAt: number;
  /** When the class begins, if the instructor said: its seats are warmed ahead of it. */
  startsAt: number | null;
  endsAt: number | null;
  endedAt: number | null;
  /** The lesson the instructor has pinned: where "the class is". */
  pinned: string | null;
}

export interface Member {
  /** Shown to the instructor instead of the learner's session id, which must stay private. */
  id: number;
  learner: string;
  name: string;
  joinedAt: number;
}

export interface CheckEvent {
  learner: string;
  lesson: string;
  check: string;
  passed: boolean;
  at: number;
}

export type NewClass = Pick<ClassRecord, 'title' | 'locale' | 'lessons' | 'capacity' | 'endsAt'> & { startsAt?: number | null };

export interface ClassStore {
  create(input: NewClass): Promise<ClassRecord>;
  byId(id: string): Promise<ClassRecord | null>;
  byCode(code: string): Promise<ClassRecord | null>;
  /** Adds the learner (or renames one who is there already); 'full' when the class has no seat left. */
  join(classId: string, learner: string, name: string): Promise<Member | 'full'>;
  /** The class the learner joined last, with their place in it. */
  membership(learner: string): Promise<{ class: ClassRecord; member: Member } | null>;
  members(classId: string): Promise<Member[]>;
  pin(classId: string, lesson: string | null): Promise<void>;
  end(classId: string): Promise<void>;
  /** Classes not ended whose start time lies between `from` and `to`: those whose seats are kept warm. */
  startingBetween(from: number, to: number): Promise<ClassRecord[]>;
  /** Classes past their end time that nobody has ended yet. */
  due(now: number): Promise<ClassRecord[]>;
  /** How many classes have begun and are not over at `now`. */
  liveCount(now: number): Promise<number>;
  /** Every check attempt by the class's learners since the class began, oldest first. */
  attempts(classId: string): Promise<CheckEvent[]>;
  /** The checks the class's learners have passed, at any time (a step done before the class still counts). */
  passes(classId: string): Promise<CheckEvent[]>;
}

/**
 * What happened to a class, for every server to act on its own learners: `activity` moves dashboards,
 * `class` (a pin, the end) moves learners' pages too, `reset` asks for one member's fresh sandbox.
 */
export type ClassNewsItem = { classId: string; what: 'activity' | 'class' } | { classId: string; what: 'reset'; member: number };

export interface ClassNews {
  announce(news: ClassNewsItem): Promise<void>;
  listen(listener: (news: ClassNewsItem) => void): void;
}
