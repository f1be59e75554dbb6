import '#server-only';
import { cellState, type CellReading } from './cell';
import { reply } from './http';
import { mayScrape, type Metrics } from './metrics';
import type { Route } from './routes';

export interface OperatorDeps {
  /** Sandboxes allowed at once. */
  capacity: number;
  /** Set by the operator to keep /metrics private; null leaves it open. */
  metricsToken: string | null;
  /** Whether the server is up and not shutting down. */
  ready: () => boolean;
  /** Resolves when the sandbox engine answers. */
  ping: () => Promise<void>;
  /** `nodes`: sandboxes held by learners (each node of a lab counts). */
  counts: () => { leased: number; nodes: number; pooled: number; queued: number; warm: number };
  metrics: Pick<Metrics, 'render' | 'contentType'>;
  /** This server's cell: its name (null on a course of one machine) and whether it is draining. */
  cell?: { name: string | null; draining: () => boolean };
  now?: () => number;
}

/** A load balancer may ask many times a second: the engine is asked at most this often. */
const pingCacheMs = 2000;
/** An engine that takes longer than this to answer is as good as down for a learner waiting on it. */
const pingTimeoutMs = 1500;

/**
 * The operators' endpoints: `/healthz` for a load balancer (200 when the server is ready and its engine
 * answers, 503 otherwise; with the cell's state) and `/metrics` for Prometheus. Neither names a learner.
 * `reading` is what HAProxy's agent check is told (lib/server/cell.ts).
 */
export function createOperator({ capacity, metricsToken, ready, ping, counts, metrics, cell = { name: null, draining: () => false }, now = Date.now }: OperatorDeps) {
  let cached: { at: number; reachable: Promise<boolean> } | null = null;
  const engineReachable = () => {
    if (!cached || now() - cached.at >= pingCacheMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), pingTimeoutMs)));
      const answer = ping().then(() => true, () => false);
      // Concurrent probes share one ping.
      cached = { at: now(), reachable: Promise.race([answer, timeout]).finally(() => clearTimeout(timer)) };
    }
    return cached.reachable;
  };

  /** Free: places a new learner could still have, after everyone holding or waiting for one and the seats kept warm for classes' members. */
  const free = () => {
    const { nodes, queued, warm } = counts();
    return Math.max(0, capacity - nodes - warm - queued);
  };
  const reading = async (): Promise<CellReading> => ({ ready: ready(), engineReachable: await engineReachable(), draining: cell.draining(), free: free(), total: capacity });

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/healthz',
      handle: async ({ response }) => {
        const found = await reading();
        const { leased, pooled, queued, warm } = counts();
        reply(response, found.ready && found.engineReachable ? 200 : 503, {
          ready: found.ready,
          engine: { reachable: found.engineReachable },
          capacity: { total: capacity, leased, pooled, warm, queued, free: found.free },
          ...(cell.name !== null && { cell: { name: cell.name, state: cellState(found) } }),
        });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handle: async ({ request, response }) => {
        if (!mayScrape(request.headers.authorization, metricsToken)) {
          response.setHeader('www-authenticate', 'Bearer');
          return reply(response, 401, { error: 'a metrics token is required' });
        }
        response.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(await metrics.render());
      },
    },
  ];
  return { routes, reading };
}
