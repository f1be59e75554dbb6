import '#server-only';
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
  now?: () => number;
}

/** A load balancer may ask many times a second: the engine is asked at most this often. */
const pingCacheMs = 2000;
/** An engine that takes longer than this to answer is as good as down for a learner waiting on it. */
const pingTimeoutMs = 1500;

/**
 * The operators' endpoints: `/healthz` for a load balancer (200 when the server is ready and its engine
 * answers, 503 otherwise) and `/metrics` for Prometheus. Neither names a learner.
 */
export function operatorRoutes({ capacity, metricsToken, ready, ping, counts, metrics, now = Date.now }: OperatorDeps): Route[] {
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

  return [
    {
      method: 'GET',
      path: '/healthz',
      handle: async ({ response }) => {
        const reachable = await engineReachable();
        const { leased, nodes, pooled, queued, warm } = counts();
        const isReady = ready();
        reply(response, isReady && reachable ? 200 : 503, {
          ready: isReady,
          engine: { reachable },
          // Free: places a new learner could still have, after everyone holding or waiting for one and the
          // seats kept warm for classes' members.
          capacity: { total: capacity, leased, pooled, warm, queued, free: Math.max(0, capacity - nodes - warm - queued) },
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
}
