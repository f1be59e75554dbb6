import 'client-only';
/**
 * What happens in a lesson that a page embedding it may want to know, as window events inside the page;
 * components/EmbedBridge.client.tsx passes them on to the embedding site with postMessage.
 */
export type CourseEvent =
  | { type: 'ready'; lesson: string }
  | { type: 'step-completed'; lesson: string; step: string }
  | { type: 'lesson-completed'; lesson: string }
  | { type: 'sandbox-expired' };

const eventName = 'course:event';

export function emitCourseEvent(event: CourseEvent): void {
  window.dispatchEvent(new CustomEvent<CourseEvent>(eventName, { detail: event }));
}

export function onCourseEvent(listener: (event: CourseEvent) => void): () => void {
  const handle = (event: Event) => listener((event as CustomEvent<CourseEvent>).detail);
  window.addEventListener(eventName, handle);
  return () => window.removeEventListener(eventName, handle);
}
