'use client';

import { useEffect } from 'react';
import { emitCourseEvent, onCourseEvent, type CourseEvent } from '@/lib/client/course-events';
import { progressStore } from '@/lib/client/progress';

/**
 * Tells the site that embeds this lesson what happens in it, with postMessage. The message goes only to
 * the embedding page's own origin; the Content-Security-Policy (frame-ancestors) lets only the sites the
 * operator allows embed a lesson at all.
 */
export function EmbedBridge({ lesson, checks }: { lesson: string; checks: number }) {
  useEffect(() => {
    if (window.parent === window) return;
    const origin = location.ancestorOrigins?.[0] ?? (document.referrer ? new URL(document.referrer).origin : null);
    if (!origin) return;
    const post = (event: CourseEvent) => window.parent.postMessage({ source: 'docker-course', ...event }, origin);
    let completed = false;
    const stop = onCourseEvent((event) => {
      post(event);
      if (event.type !== 'step-completed' || completed) return;
      if ((progressStore.get().passed[lesson]?.length ?? 0) >= checks) {
        completed = true;
        emitCourseEvent({ type: 'lesson-completed', lesson });
      }
    });
    post({ type: 'ready', lesson });
    return stop;
  }, [lesson, checks]);
  return null;
}
