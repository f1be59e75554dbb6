import type { Locale } from '../i18n';
import type { LessonCheck } from '../checks/schema';
import type { FileBlock } from './file-blocks';
import type { LessonQuiz } from './quizzes';
import type { Frontmatter } from './schema';

export interface Heading {
  id: string;
  text: string;
}

export interface LessonEntry extends Frontmatter {
  slug: string;
  module: string;
  headings: Heading[];
  /** Checks in the order of the text, each with the commands of the step before it. */
  checks: LessonCheck[];
  /** Blocks that create a file in the sandbox, in the order of the text. */
  files: FileBlock[];
  /** Quizzes in the order of the text, with their answers: read on the server only. */
  quizzes: LessonQuiz[];
}

export interface ModuleEntry {
  slug: string;
  title: string;
  summary: string;
  lessons: LessonEntry[];
}

export interface Course {
  locale: Locale;
  title: string;
  description: string;
  modules: ModuleEntry[];
}

export interface LessonRef {
  module: string;
  lesson: string;
}
