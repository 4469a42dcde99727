import { parseCode } from '../items/code';

type Lang = 'zh' | 'en';

export type SmsCommand =
  | { type: 'status'; code: string | null; lang: Lang }
  | { type: 'rating'; value: 1 | 2 | 3 }
  | { type: 'optout'; lang: Lang }
  | { type: 'optin'; lang: Lang }
  | { type: 'help'; lang: Lang }
  | { type: 'message' };

// Twilio's own opt-out and opt-in keywords, plus the Chinese carriers' 退订/TD.
const OPT_OUT = new Map<string, Lang>([
  ['STOP', 'en'], ['STOPALL', 'en'], ['UNSUBSCRIBE', 'en'], ['CANCEL', 'en'], ['END', 'en'], ['QUIT', 'en'], ['TD', 'zh'], ['退订', 'zh'],
]);
const OPT_IN = new Map<string, Lang>([['START', 'en'], ['UNSTOP', 'en'], ['YES', 'en']]);
const HELP = new Map<string, Lang>([['HELP', 'en'], ['INFO', 'en'], ['帮助', 'zh'], ['BZ', 'zh']]);
const STATUS = /^(CX|查询|STATUS)(?:[\s:：]*([0-9A-Z][0-9A-Z\s-]{6,12}))?$/;

/** Folds full-width forms, case and surrounding space and punctuation, so "ＳＴＯＰ。" reads as STOP. */
export function normalizeCommand(body: string): string {
  return body
    .normalize('NFKC')
    .trim()
    .replace(/^[\s.。!！?？,，]+|[\s.。!！?？,，]+$/g, '')
    .toUpperCase();
}

/** Reads a whole SMS body as a command; anything else is a message for a new or open item. */
export function parseSmsCommand(body: string): SmsCommand {
  const s = normalizeCommand(body);
  const optOut = OPT_OUT.get(s);
  if (optOut) return { type: 'optout', lang: optOut };
  const optIn = OPT_IN.get(s);
  if (optIn) return { type: 'optin', lang: optIn };
  const help = HELP.get(s);
  if (help) return { type: 'help', lang: help };
  if (s === '1' || s === '2' || s === '3') return { type: 'rating', value: Number(s) as 1 | 2 | 3 };
  const m = STATUS.exec(s);
  if (m) {
    const code = m[2] ? parseCode(m[2]) : null;
    if (!m[2] || code) return { type: 'status', code, lang: m[1] === 'STATUS' ? 'en' : 'zh' };
  }
  return { type: 'message' };
}

/** Chinese unless the text is clearly English: Latin words and no Chinese characters. */
export function detectLang(body: string): Lang {
  if (/[\u3400-\u9fff\uf900-\ufaff]/.test(body)) return 'zh';
  const words = body.normalize('NFKC').match(/[A-Za-z]{2,}/g) ?? [];
  return words.length >= 2 ? 'en' : 'zh';
}
