import type { Messages } from '../i18n/messages';

/** The picture's words in one language: the one place that knows where they come from. */
export type PictureWords = Messages['dockerState'];
