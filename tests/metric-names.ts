/** The course's own metrics, as an operator's Prometheus finds them on /metrics (lib/server/metrics.ts). */
export const courseMetricNames = [
  'course_sandboxes_leased',
  'course_sandboxes_pooled',
  'course_sandboxes_starting',
  'course_sandboxes_queued',
  'course_sandbox_start_seconds',
  'course_checks_total',
  'course_checks_passed_total',
  'course_websockets_open',
  'course_terminal_output_bytes_total',
  'course_watchdog_events_total',
  'course_classes_live',
];
