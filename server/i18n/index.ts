import { authEn, authZh } from './auth';
import { citizenEn, citizenZh } from './citizen';
import { en } from './en';
import { inboxEn, inboxZh } from './inbox';
import { trackingEn, trackingZh } from './tracking';
import { workbenchEn, workbenchZh } from './workbench';
import { workflowEn, workflowZh } from './workflow';
import { zh } from './zh';

// One catalog per area, merged: each area's file can be edited on its own.
const zhAll = { ...zh, ...authZh, ...workbenchZh, ...workflowZh, ...trackingZh, ...inboxZh, ...citizenZh };
const enAll: Record<keyof typeof zhAll, string> = { ...en, ...authEn, ...workbenchEn, ...workflowEn, ...trackingEn, ...inboxEn, ...citizenEn };

export type Lang = 'zh' | 'en';
export type MessageKey = keyof typeof zhAll;
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const catalogs: Record<Lang, Record<MessageKey, string>> = { zh: zhAll, en: enAll };

/** Returns the translation function for a language; `{name}` placeholders are filled from params. */
export function translator(lang: Lang): Translate {
  const catalog = catalogs[lang];
  return (key, params) => {
    const text = catalog[key] ?? zhAll[key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  };
}

export function isLang(v: unknown): v is Lang {
  return v === 'zh' || v === 'en';
}

/** Picks zh or en from an Accept-Language header; Chinese is the default. */
export function langFromAcceptLanguage(header: string | undefined): Lang {
  if (!header) return 'zh';
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
      return { tag, q: q ? Number(q) : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh';
}
