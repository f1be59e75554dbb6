import '#server-only';
import { z } from 'zod';
import type { ClassRecord } from '../store';

/**
 * Instructor-led classes: the instructor needs no account. Their private link carries a token signed
 * by the server (see lib/server/auth), so holding the link is what makes someone the instructor;
 * learners join with a short code and a display name.
 */

/** What learners type, forgiving case, spaces and dashes: "abc-234" is ABC234. */
export const normalizeCode = (input: string) => input.toUpperCase().replace(/[\s-]/g, '');

export const maxEndHours = 24 * 7;

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'must not contain control characters');

export const newClassInput = z.strictObject({
  title: text(80),
  locale: z.enum(['en', 'ko']),
  lessons: z.array(z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/)).min(1).max(60),
  /** Hours from now; none means the instructor ends it. */
  hours: z.number().positive().max(maxEndHours).optional(),
  capacity: z.number().int().min(1).optional(),
  /** When the class begins (milliseconds since 1970); its seats are warmed ahead of it. */
  startsAt: z.number().int().positive().optional(),
});

export const joinInput = z.strictObject({ code: z.string().max(20), name: text(40) });

export type JoinRefusal = 'wrong' | 'ended' | 'full';

/** HTTP statuses of the refusals; their words are in lib/messages, shown by the join page. */
export const joinRefusals: Record<JoinRefusal, number> = { wrong: 404, ended: 410, full: 409 };

export const isOver = (klass: ClassRecord, now: number) => klass.endedAt !== null || (klass.endsAt !== null && klass.endsAt <= now);
