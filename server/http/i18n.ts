import type { NextFunction, Request, Response } from 'express';
import { isLang, langFromAcceptLanguage, translator, type Lang, type Translate } from '../i18n';

declare module 'express-serve-static-core' {
  interface Request {
    lang: Lang;
    t: Translate;
  }
}

const YEAR = 365 * 24 * 3600 * 1000;

/** Chooses the language: ?lang= (remembered in a cookie), then the cookie, then Accept-Language. */
export function i18n(opts: { secureCookies: boolean }) {
  return (req: Request, res: Response, next: NextFunction) => {
    const q = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    let lang: Lang;
    if (isLang(q)) {
      lang = q;
      res.cookie('lang', q, { maxAge: YEAR, httpOnly: true, sameSite: 'lax', secure: opts.secureCookies });
    } else if (isLang(req.cookies?.lang)) {
      lang = req.cookies.lang;
    } else {
      lang = langFromAcceptLanguage(req.get('accept-language'));
    }
    req.lang = lang;
    req.t = translator(lang);
    res.locals.lang = lang;
    res.locals.t = req.t;
    res.locals.htmlLang = lang === 'zh' ? 'zh-CN' : 'en';
    // The language switch keeps the current path and query, with only lang changed.
    const params = new URLSearchParams(req.query as Record<string, string>);
    params.set('lang', lang === 'zh' ? 'en' : 'zh');
    res.locals.otherLangHref = `${req.path}?${params.toString()}`;
    next();
  };
}
