import { normalize, tokenize } from '../../../server/classifier/tokenize';
import { buildVocabulary, DEFAULT_FEATURES, extractTerms, vectorize, vectorizeText, WORD_MARK } from '../../../server/classifier/features';

describe('normalize', () => {
  it.each([
    ['full-width letters and digits', 'ＡＢＣ１２３', 'abc123'],
    ['full-width punctuation', '电梯困人！？', '电梯困人!?'],
    ['ideographic space and runs of whitespace', '电梯\u3000 坏了\n\n快来', '电梯 坏了 快来'],
    ['upper case', 'Refund PLEASE', 'refund please'],
    ['surrounding blanks', '  hello  ', 'hello'],
  ])('%s', (_name, input, expected) => {
    expect(normalize(input)).toBe(expected);
  });
});

describe('tokenize', () => {
  const show = (text: string): string[] => tokenize(text).map((t) => `${t.kind}:${t.text}`);

  it.each([
    ['Chinese becomes one token per character', '电梯困人', ['han:电', 'han:梯', 'han:困', 'han:人']],
    ['English words', 'Stuck in lift', ['word:stuck', 'word:in', 'word:elevator']],
    ['apostrophes stay inside a word', "Shop won't refund", ['word:shop', "word:won't", 'word:refund']],
    ['full-width Latin folds to ASCII', 'ＸＸ商场', ['word:xx', 'han:商', 'han:场']],
    ['mixed Chinese and English', '买的iPhone是假的', ['han:买', 'han:的', 'word:iphone', 'han:是', 'han:假', 'han:的']],
    ['emoji are tokens of their own', '太差了😡', ['han:太', 'han:差', 'han:了', 'emoji:😡']],
    ['SMS shorthand expands', 'pls check it 2day thx', ['word:please', 'word:check', 'word:it', 'word:today', 'word:thanks']],
    ['pinyin shorthand expands', 'zf 不管', ['word:政府', 'han:不', 'han:管']],
    ['digits with units', '罚款5000元', ['han:罚', 'han:款', 'word:5000', 'han:元']],
    ['punctuation is dropped', '…!!!, ?', []],
    ['empty text', '', []],
  ])('%s', (_name, input, expected) => {
    expect(show(input)).toEqual(expected);
  });
});

describe('extractTerms', () => {
  it('counts character n-grams of 1 to 4 characters over Chinese text', () => {
    const t = extractTerms('电梯困人', DEFAULT_FEATURES);
    for (const g of ['电', '电梯', '电梯困', '电梯困人', '梯困人']) expect(t.get(g)).toBe(1);
    expect(t.has('梯困人 ')).toBe(true); // boundary-padded n-gram marks the end of the message
  });

  it('adds word unigrams and bigrams, marked apart from character n-grams', () => {
    const t = extractTerms('Lift stuck, lift stuck', DEFAULT_FEATURES);
    expect(t.get(`${WORD_MARK}elevator`)).toBe(2);
    expect(t.get(`${WORD_MARK}elevator stuck`)).toBe(2);
    expect(t.get(`${WORD_MARK}stuck elevator`)).toBe(1);
  });

  it('never splits an emoji into halves of a surrogate pair', () => {
    const t = extractTerms('差😡😡', DEFAULT_FEATURES);
    for (const term of t.keys()) expect(term).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    expect(t.get('😡')).toBe(2);
  });

  it('treats full-width and half-width text alike', () => {
    expect([...extractTerms('ＸＸ超市　卖过期牛奶', DEFAULT_FEATURES)]).toEqual([...extractTerms('xx超市 卖过期牛奶', DEFAULT_FEATURES)]);
  });
});

describe('scoring lookup', () => {
  it.each([
    ['Chinese', 'XX小区电梯困人，物业不管！'],
    ['English SMS', 'Stuck in lift pls help, 20 mins'],
    ['emoji and rare Han', '太差了😡😡 𠮷野家 refund!!'],
    ['full-width', 'ＸＸ商场　扶梯急停'],
    ['empty', ''],
  ])('hashed lookup matches the substring path (%s)', (_name, text) => {
    const vocabText = ['电梯困人 物业', 'stuck in lift please', '😡 𠮷野家 refund', 'xx商场 扶梯急停 小区'];
    const vocab = buildVocabulary(vocabText.map((t) => extractTerms(t, DEFAULT_FEATURES)), 1);
    const viaStrings = vectorize(extractTerms(text, DEFAULT_FEATURES), vocab, DEFAULT_FEATURES);
    const viaHashes = vectorizeText(text, vocab, DEFAULT_FEATURES);
    const asMap = (x: { idx: Int32Array; val: Float32Array }): Map<number, number> => new Map([...x.idx].map((j, k) => [j, x.val[k]]));
    expect(asMap(viaHashes)).toEqual(asMap(viaStrings));
  });
});
