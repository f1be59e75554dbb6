import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase words joined by hyphens');

/** What a lesson needs from the sandbox engine: nothing, one Docker host, or a multi-node Swarm lab. */
export const sandboxKinds = ['none', 'docker', 'swarm'] as const;
/** How many machines each kind of lesson gives the learner (a Swarm lab: one manager, two workers). */
export const sandboxNodes: Record<(typeof sandboxKinds)[number], number> = { none: 0, docker: 1, swarm: 3 };

export const frontmatterSchema = z.strictObject({
  title: z.string().trim().min(1),
  summary: z.string().trim().min(1),
  duration: z.number().int().min(1).max(120),
  objectives: z.array(z.string().trim().min(1)).min(1),
  sandbox: z.enum(sandboxKinds),
  /** The picture of the learner's Docker beside the terminal; shown unless a lesson sets it to false. */
  statePanel: z.boolean().optional(),
});

export const courseMetaSchema = z.strictObject({
  title: z.string().trim().min(1),
  description: z.string().trim().min(1),
  modules: z
    .array(
      z.strictObject({
        slug,
        title: z.string().trim().min(1),
        summary: z.string().trim().min(1),
        lessons: z.array(slug),
      }),
    )
    .min(1),
});

export type Frontmatter = z.infer<typeof frontmatterSchema>;
export type CourseMeta = z.infer<typeof courseMetaSchema>;

/** Turns a zod error into one line per problem, e.g. "duration: expected number, received string". */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}
