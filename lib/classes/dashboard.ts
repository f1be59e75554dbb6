import type { CheckEvent, ClassRecord, Member } from '../store';
import { isOver } from '.';
import type { WarmSeatCount } from './warm';

/** A lesson of the class and the ids of its steps (its checks), in order. */
export interface LessonSteps {
  lesson: string;
  title: string;
  steps: string[];
}

export interface StepRef {
  lesson: string;
  step: string;
}

export interface LearnerRow {
  id: number;
  name: string;
  done: number;
  /** Steps passed, by lesson, within the class's lessons. */
  passed: Record<string, string[]>;
  /** The step the learner tried last and has not passed yet. */
  on: StepRef | null;
  /** How long they have been failing a step without passing anything since, once that is long enough to matter. */
  stuckForMs: number | null;
  /** Machines in the learner's sandbox now: 0 without one, more in a lab. */
  nodes: number;
  /** The cell that holds the sandbox, when the course runs on several (null on one server). */
  cell: string | null;
}

export interface Dashboard {
  class: { title: string; code: string; capacity: number; startsAt: number | null; endsAt: number | null; ended: boolean; pinned: string | null; locale: string };
  /** Seats kept ready for learners yet to join, and those starting; null when none are kept. */
  warm: WarmSeatCount | null;
  lessons: LessonSteps[];
  totalSteps: number;
  learners: LearnerRow[];
  /** The steps with the most failed checks, worst first. */
  failing: (StepRef & { failures: number; learners: number })[];
}

export interface DashboardInput {
  klass: ClassRecord;
  lessons: LessonSteps[];
  members: Member[];
  passes: CheckEvent[];
  attempts: CheckEvent[];
  /** Where each member's sandbox is: its machines (0: none) and its cell. */
  sandboxOf: (learner: string) => { nodes: number; cell: string | null };
  warm?: WarmSeatCount | null;
  now: number;
  stuckAfterMs: number;
}

const keyOf = (lesson: string, step: string) => `${lesson}#${step}`;

/** What the instructor sees, from what the store knows: pure, so every rule here is unit-tested. */
export function summarize({ klass, lessons, members, passes, attempts, sandboxOf, warm = null, now, stuckAfterMs }: DashboardInput): Dashboard {
  const steps = new Set(lessons.flatMap((l) => l.steps.map((s) => keyOf(l.lesson, s))));
  const inClass = (e: CheckEvent) => steps.has(keyOf(e.lesson, e.check));

  const learners = members.map((member): LearnerRow => {
    const own = (e: CheckEvent) => e.learner === member.learner && inClass(e);
    const passed: Record<string, string[]> = {};
    const passedKeys = new Set<string>();
    let lastPassAt = member.joinedAt;
    for (const pass of passes.filter(own)) {
      if (passedKeys.has(keyOf(pass.lesson, pass.check))) continue;
      passedKeys.add(keyOf(pass.lesson, pass.check));
      (passed[pass.lesson] ??= []).push(pass.check);
      lastPassAt = Math.max(lastPassAt, pass.at);
    }
    // Failures since the last step passed, on steps still not passed: what the learner is stuck on.
    const failing = attempts.filter((a) => own(a) && !a.passed && a.at > lastPassAt && !passedKeys.has(keyOf(a.lesson, a.check)));
    const latest = failing.at(-1);
    const since = failing[0]?.at;
    const stuckFor = since === undefined ? 0 : now - since;
    return {
      id: member.id,
      name: member.name,
      done: passedKeys.size,
      passed,
      on: latest ? { lesson: latest.lesson, step: latest.check } : null,
      stuckForMs: stuckFor >= stuckAfterMs && since !== undefined ? stuckFor : null,
      ...sandboxOf(member.learner),
    };
  });
  learners.sort((a, b) => b.done - a.done || a.name.localeCompare(b.name));

  const failures = new Map<string, StepRef & { failures: number; who: Set<string> }>();
  for (const attempt of attempts) {
    if (attempt.passed || !inClass(attempt)) continue;
    const key = keyOf(attempt.lesson, attempt.check);
    const entry = failures.get(key) ?? { lesson: attempt.lesson, step: attempt.check, failures: 0, who: new Set<string>() };
    entry.failures++;
    entry.who.add(attempt.learner);
    failures.set(key, entry);
  }

  return {
    class: { title: klass.title, code: klass.code, capacity: klass.capacity, startsAt: klass.startsAt, endsAt: klass.endsAt, ended: isOver(klass, now), pinned: klass.pinned, locale: klass.locale },
    warm,
    lessons,
    totalSteps: steps.size,
    learners,
    failing: [...failures.values()]
      .sort((a, b) => b.failures - a.failures || b.who.size - a.who.size)
      .slice(0, 5)
      .map(({ who, ...entry }) => ({ ...entry, learners: who.size })),
  };
}
