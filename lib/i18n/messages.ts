import '#server-only';
import type { Locale } from '.';
import { en, type Messages } from './en';
import { ko } from './ko';

/**
 * Both languages, for the server only: a page picks its language here and hands the words its browser
 * components need down as props, so a browser bundle never holds the other language. A browser module
 * that imports this one fails to build (see lib/server/only.js).
 */
export const messages: Record<Locale, Messages> = { en, ko };
export type { Messages };
