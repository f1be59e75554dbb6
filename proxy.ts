import { NextResponse, type NextRequest } from 'next/server';
import { isLocale, localeCookie, localeFromAcceptLanguage } from './lib/i18n';

/** "/" goes to the learner's language: their earlier choice, else the browser's Accept-Language. */
export function proxy(request: NextRequest) {
  const chosen = request.cookies.get(localeCookie)?.value;
  const locale = isLocale(chosen) ? chosen : localeFromAcceptLanguage(request.headers.get('accept-language'));
  return NextResponse.redirect(new URL(`/${locale}`, request.url), 307);
}

export const config = { matcher: '/' };
