/**
 * What the course remembers about learners, behind one small interface: an embedded SQLite file by
 * default (lib/store/sqlite.ts); a server database can take its place when one machine is outgrown.
 */
export interface Store {
  /** Records that a learner passed a check of a lesson (`module/lesson`); passing again changes nothing. */
  recordPass(learner: string, lesson: string, check: string): void;
  /** Every check the learner has passed, by lesson, and the lesson they last worked in. */
  progress(learner: string): Progress;
  close(): void;
}

export interface Progress {
  passed: Record<string, string[]>;
  last: string | null;
}
