import { z } from 'zod';

/**
 * What a lesson can check in the learner's Docker, declared in MDX as flat attributes, e.g.
 * <Check id="web" kind="container" name="web" image="nginx" state="running" port="8080" health="healthy" />.
 * A `compose` check names a Compose project, the services that must each have a running container
 * (comma-separated) and optionally how many of its containers must run at least, e.g. after a scale.
 * (No attribute may be called `ref` or `key`: React keeps those for itself.)
 * `solution` is a hidden command the lesson runner uses for challenges; learners never see it.
 */
const base = {
  id: z.string().regex(/^[a-z0-9-]+$/, 'must be lowercase words joined by hyphens'),
  hint: z.string().min(1).optional(),
  solution: z.string().min(1).optional(),
};

const port = z.coerce.number().int().min(1).max(65535);

export const checkSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...base,
    kind: z.literal('container'),
    name: z.string().optional(),
    image: z.string().optional(),
    state: z.enum(['running', 'exited']).optional(),
    port: port.optional(),
    // What `docker inspect` says of how it runs: its health check's verdict, a read-only root
    // filesystem, a user other than root, and every capability dropped (some may be added back).
    health: z.enum(['healthy', 'unhealthy', 'starting']).optional(),
    rootfs: z.literal('read-only').optional(),
    user: z.literal('non-root').optional(),
    capdrop: z.literal('ALL').optional(),
  }),
  z.strictObject({ ...base, kind: z.literal('image'), name: z.string().min(1), label: z.string().regex(/^[^=]+=.*$/, 'must be key=value').optional() }),
  z.strictObject({ ...base, kind: z.literal('volume'), name: z.string().min(1), file: z.string().startsWith('/').optional() }),
  z.strictObject({ ...base, kind: z.literal('network'), name: z.string().min(1), container: z.string().optional() }),
  z.strictObject({
    ...base,
    kind: z.literal('compose'),
    project: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a Compose project name: lowercase letters, digits, - and _'),
    services: z.string().regex(/^[\w.-]+(,[\w.-]+)*$/, 'must be service names joined by commas, like web,redis').optional(),
    running: z.coerce.number().int().min(1).optional(),
  }),
  // Swarm, asked of node1 (the manager in the lessons): the nodes that are Ready, and one node's state.
  z.strictObject({ ...base, kind: z.literal('swarm'), nodes: z.coerce.number().int().min(1).max(9) }),
  z.strictObject({ ...base, kind: z.literal('node'), name: z.string().min(1), availability: z.enum(['active', 'pause', 'drain']).optional(), status: z.enum(['ready', 'down']).optional() }),
  z.strictObject({
    ...base,
    kind: z.literal('service'),
    name: z.string().min(1),
    image: z.string().optional(),
    replicas: z.coerce.number().int().min(0).optional(),
    // Running tasks on at least this many different nodes.
    spread: z.coerce.number().int().min(1).optional(),
    port: port.optional(),
  }),
]);

export type Check = z.infer<typeof checkSchema>;

/** A check and the `sh` blocks of the step before it (with the lab node each runs on, from 1), which the lesson runner runs to make it pass. */
export interface LessonCheck {
  check: Check;
  commands: { script: string; node: number }[];
}
