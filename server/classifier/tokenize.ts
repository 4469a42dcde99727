/**
 * Text normalisation and tokenisation. Pure functions; no state.
 *
 * Chinese has no word boundaries, so Han characters become single-character tokens and the
 * feature layer builds character n-grams over them; Latin-script text becomes words.
 */

/** SMS / chat shorthand → the word a full sentence would use, so both spellings share features. */
const SHORTHAND: Readonly<Record<string, string>> = {
  pls: 'please', plz: 'please', pl: 'please', u: 'you', ur: 'your', r: 'are', y: 'why',
  thx: 'thanks', thnx: 'thanks', tks: 'thanks', ty: 'thanks', msg: 'message', b4: 'before',
  '2day': 'today', '2nite': 'tonight', tmr: 'tomorrow', tmrw: 'tomorrow', cuz: 'because',
  coz: 'because', bc: 'because', w: 'with', wo: 'without', pkg: 'package', ppl: 'people',
  govt: 'government', gov: 'government', dept: 'department', mgr: 'manager', mins: 'minutes',
  min: 'minutes', hrs: 'hours', hr: 'hours', asap: 'soon', rn: 'now', smth: 'something',
  sth: 'something', abt: 'about', wanna: 'want', gonna: 'going', dunno: 'know', idk: 'know',
  cant: "can't", dont: "don't", wont: "won't", isnt: "isn't", doesnt: "doesn't", didnt: "didn't",
  lift: 'elevator', lifts: 'elevators', shoppe: 'shop', refnd: 'refund', refud: 'refund',
  // Chinese internet shorthand written in Latin letters
  zf: '政府', yyds: '永远的神', xswl: '笑死', nb: '厉害', zfb: '支付宝', wx: '微信',
};

const TOKEN_RE = /(\p{Script=Han})|(\p{Extended_Pictographic})|((?:(?!\p{Script=Han})[\p{L}\p{N}\p{M}])+(?:['’](?:(?!\p{Script=Han})\p{L})+)*)/gu;

/** NFKC folds full-width letters, digits and punctuation to their ASCII forms; case carries no topic. */
export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

export type Token = { text: string; kind: 'han' | 'word' | 'emoji' };

/** Tokens of already-normalised text. SMS shorthand is expanded in word tokens. */
export function tokenizeNormalized(norm: string): Token[] {
  const out: Token[] = [];
  for (const m of norm.matchAll(TOKEN_RE)) {
    if (m[1]) out.push({ text: m[1], kind: 'han' });
    else if (m[2]) out.push({ text: m[2], kind: 'emoji' });
    else {
      const w = m[3].replace(/’/g, "'");
      out.push({ text: SHORTHAND[w] ?? w, kind: 'word' });
    }
  }
  return out;
}

const WORD_RE = /(\p{Extended_Pictographic})|((?:(?!\p{Script=Han})[\p{L}\p{N}\p{M}])+(?:['’](?:(?!\p{Script=Han})\p{L})+)*)/gu;

/** Word and emoji tokens only (what the word-feature block needs), without allocating Han tokens. */
export function wordTokens(norm: string): string[] {
  const out: string[] = [];
  for (const m of norm.matchAll(WORD_RE)) {
    if (m[1]) out.push(m[1]);
    else {
      const w = m[2].replace(/’/g, "'");
      out.push(SHORTHAND[w] ?? w);
    }
  }
  return out;
}

export function tokenize(text: string): Token[] {
  return tokenizeNormalized(normalize(text));
}
