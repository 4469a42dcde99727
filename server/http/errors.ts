import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors';
import { translator } from '../i18n';
import type { MessageKey } from '../i18n';

const PAGE_TEXT: Record<number, { title: MessageKey; body: MessageKey }> = {
  400: { title: 'error.400.title', body: 'error.400.body' },
  403: { title: 'error.403.title', body: 'error.forbidden.body' },
  404: { title: 'error.404.title', body: 'error.404.body' },
  413: { title: 'error.413.title', body: 'error.413.body' },
  429: { title: 'error.429.title', body: 'error.429.body' },
  500: { title: 'error.500.title', body: 'error.500.body' },
};

function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') || req.path.startsWith('/open311/') || (!req.accepts('html') && Boolean(req.accepts('json')));
}

/** Normalises anything thrown into a status and a code a user may see; stacks never leave the server. */
function classify(err: unknown): { status: number; code: string; message: string } {
  if (err instanceof AppError) return { status: err.status, code: err.code, message: err.message };
  const e = err as { status?: number; statusCode?: number; type?: string; expose?: boolean; message?: string };
  const status = e?.status ?? e?.statusCode;
  // body-parser and friends mark client errors with a 4xx status and `expose`.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = status === 413 ? 'too_large' : e.type === 'entity.parse.failed' ? 'malformed' : 'bad_request';
    return { status, code, message: e.expose && e.message ? e.message : 'bad request' };
  }
  return { status: 500, code: 'internal', message: 'internal error' };
}

export function renderErrorPage(req: Request, res: Response, status: number, requestId: string, code?: string) {
  const t = req.t ?? translator('zh');
  // Errors raised before the language was chosen (static files) still get a complete page.
  res.locals.t ??= t;
  res.locals.lang ??= 'zh';
  res.locals.htmlLang ??= 'zh-CN';
  res.locals.otherLangHref ??= '/?lang=en';
  const text = code === 'csrf' ? { title: 'error.403.title' as const, body: 'error.csrf.body' as const } : (PAGE_TEXT[status] ?? PAGE_TEXT[status >= 500 ? 500 : 400]);
  res.status(status).render('errors/error', { status, title: t(text.title), body: t(text.body, { id: requestId }), requestId });
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction) {
  next(new AppError(404, 'not_found', `no route for ${req.method} ${req.path}`));
}

export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, code, message } = classify(err);
    const requestId = String(req.id ?? '');
    if (status >= 500) logger.error({ err, reqId: requestId }, 'request failed');
    if (res.headersSent) {
      res.end();
      return;
    }
    if (wantsJson(req)) {
      res.status(status).json({ error: { code, message: status >= 500 ? 'internal error' : message, requestId } });
      return;
    }
    renderErrorPage(req, res, status, requestId, code);
  };
}
