import {
  crossValidate,
  DEFAULT_THRESHOLD,
  loadClassifier,
  precisionCoverage,
  seedExamples,
  seedParts,
  stratifiedFolds,
  trainClassifier,
} from '../../../server/classifier';
import type { Classifier } from '../../../server/classifier';

const MAILBOX = ['staff_conduct', 'integrity', 'law_enforcement', 'staff_competence', 'suggestion', 'other'];

let seed: Classifier;
beforeAll(() => {
  seed = trainClassifier(seedExamples());
});

describe('seed model on tricky pairs', () => {
  it.each([
    ['fake-brand liquor', '超市卖的茅台是假的，瓶盖防伪码扫不出来', 'counterfeit'],
    ['expired food', '超市货架上的面包已经过期三天了还在卖', 'food_safety'],
    ['inspector pocketing a fee', '检查的工作人员收了老板两千块红包就走了', 'integrity'],
    ['arbitrary fine', '执法人员没说依据就当场罚了我五千块，别家一样的却没罚', 'law_enforcement'],
    ['rude clerk', '窗口工作人员态度很差，对群众大吼大叫', 'staff_conduct'],
    ['registration system outage', '网上登记注册系统一直打不开，营业执照办不了', 'registration_service'],
    ['trapped elevator', '小区电梯又困人了，老人被关在里面半小时', 'special_equipment'],
    ['shop refusing a refund', '商家收了钱不发货也不给退款', 'consumer_dispute'],
    ['English: fake-brand liquor', 'Bought fake Moutai at a corner shop, the seal is wrong', 'counterfeit'],
    ['English SMS: trapped elevator', 'stuck in lift 30 mins pls help', 'special_equipment'],
    ['English: refund refused', 'The shop refuses to refund my deposit for the sofa', 'consumer_dispute'],
    ['full-width text', 'ＸＸ小区电梯困人，快来人', 'special_equipment'],
  ])('%s → %s', (_name, text, expected) => {
    expect(seed.classify(text).category).toBe(expected);
  });
});

describe('prediction shape', () => {
  it('gives a calibrated confidence, three ranked suggestions and an explanation', () => {
    const p = seed.classify('小区电梯困人，物业不管');
    expect(p.confidence).toBeGreaterThan(0);
    expect(p.confidence).toBeLessThanOrEqual(1);
    expect(p.suggestions).toHaveLength(3);
    expect(p.suggestions[0]).toEqual({ category: p.category, confidence: p.confidence });
    expect(p.suggestions[1].confidence).toBeLessThanOrEqual(p.suggestions[0].confidence);
    expect(p.explanation.length).toBeGreaterThan(0);
    expect(p.explanation.some((e) => e.term.includes('梯'))).toBe(true);
    for (const e of p.explanation) expect(e.weight).toBeGreaterThan(0);
  });

  it('is pure: the same text gives the same prediction', () => {
    const text = 'Fake Gucci bags at the night market';
    expect(seed.classify(text)).toEqual(seed.classify(text));
  });

  it('copes with empty and symbol-only text', () => {
    for (const text of ['', '？？？', '😡😡']) {
      const p = seed.classify(text);
      expect(seed.labels).toContain(p.category);
      expect(p.confidence).toBeLessThan(DEFAULT_THRESHOLD); // nothing to go on: never auto-routed
    }
  });
});

describe('allowed labels', () => {
  it('restricts the label space and renormalises confidence', () => {
    const text = '超市卖过期牛奶，工作人员接到投诉也不理'; // food and conduct both plausible
    const p = seed.classify(text, { allowed: MAILBOX });
    expect(MAILBOX).toContain(p.category);
    for (const s of p.suggestions) expect(MAILBOX).toContain(s.category);
    const all = seed.classify(text);
    const allowedMass = all.suggestions.length > 0 ? p.suggestions.reduce((a, s) => a + s.confidence, 0) : 0;
    expect(allowedMass).toBeLessThanOrEqual(1 + 1e-9);
    // Renormalised over six labels, the restricted top label is at least as confident as before.
    const before = seed.classify(text).suggestions.find((s) => s.category === p.category)?.confidence ?? 0;
    expect(p.confidence).toBeGreaterThanOrEqual(before);
  });

  it.each([
    ['a bribe in the mailbox', '所里的人收了商户的购物卡', 'integrity'],
    ['a fine in the mailbox', '罚款没有任何依据，也不给罚单', 'law_enforcement'],
  ])('%s', (_name, text, expected) => {
    expect(seed.classify(text, { allowed: MAILBOX }).category).toBe(expected);
  });

  it('a single allowed label gets all the confidence', () => {
    expect(seed.classify('电梯困人', { allowed: ['other'] })).toMatchObject({ category: 'other', confidence: 1 });
  });

  it('rejects an allowed list with no known label', () => {
    expect(() => seed.classify('x', { allowed: ['nope'] })).toThrow(/none of the allowed labels/);
  });
});

describe('serialisation', () => {
  it('round-trips through JSON text with identical predictions', () => {
    const back = loadClassifier(JSON.parse(JSON.stringify(seed.toJSON())));
    expect(back.labels).toEqual(seed.labels);
    for (const text of ['电梯困人', 'fake liquor', '罚款太重', '']) expect(back.classify(text)).toEqual(seed.classify(text));
  });

  type Json = Record<string, unknown>;
  it.each<[string, (good: Json) => unknown]>([
    ['null', () => null],
    ['a number', () => 42],
    ['an array', () => []],
    ['a wrong format tag', (g) => ({ ...g, format: 'other' })],
    ['an unknown version', (g) => ({ ...g, version: 99 })],
    ['one label', (g) => ({ ...g, labels: ['a'] })],
    ['a missing temperature', (g) => ({ ...g, temperature: undefined })],
    ['a negative temperature', (g) => ({ ...g, temperature: -1 })],
    ['truncated weights', (g) => ({ ...g, weights: 'AAAA' })],
    ['weights of the wrong type', (g) => ({ ...g, weights: [1, 2, 3] })],
    ['bias of the wrong length', (g) => ({ ...g, bias: [0] })],
    ['missing features', (g) => ({ ...g, features: undefined })],
  ])('rejects %s', (_name, spoil) => {
    const good = JSON.parse(JSON.stringify(seed.toJSON())) as Json;
    expect(() => loadClassifier(spoil(good))).toThrow(/invalid classifier JSON/);
  });
});

describe('training input', () => {
  it('needs at least two labels', () => {
    expect(() => trainClassifier([{ text: 'a', label: 'x' }, { text: 'b', label: 'x' }])).toThrow(/two labels/);
  });

  it('trains on a handful of examples without calibration folds', () => {
    const clf = trainClassifier([
      { text: '电梯困人', label: 'special_equipment' },
      { text: '电梯坏了', label: 'special_equipment' },
      { text: '过期食品', label: 'food_safety' },
      { text: '食品过期', label: 'food_safety' },
    ]);
    expect(clf.classify('电梯又坏了').category).toBe('special_equipment');
  });
});

describe('stratified folds', () => {
  const labels = [...Array(50)].map((_, i) => (i % 5 === 0 ? 'rare' : 'common'));
  it('is deterministic for a seed and differs across seeds', () => {
    expect(stratifiedFolds(labels, 5, 0)).toEqual(stratifiedFolds(labels, 5, 0));
    expect(stratifiedFolds(labels, 5, 0)).not.toEqual(stratifiedFolds(labels, 5, 1));
  });
  it('spreads every label evenly over the folds', () => {
    const folds = stratifiedFolds(labels, 5, 0);
    for (let f = 0; f < 5; f++) {
      expect(labels.filter((l, i) => l === 'rare' && folds[i] === f)).toHaveLength(2);
      expect(labels.filter((_, i) => folds[i] === f)).toHaveLength(10);
    }
  });
});

describe('precisionCoverage', () => {
  it.each([
    [0, 1, 0.75],
    [0.5, 0.75, 2 / 3],
    [0.9, 0.25, 1],
    [0.99, 0, 1],
  ])('at %p routes %p with precision %p', (threshold, coverage, precision) => {
    const preds = [
      { label: 'a', predicted: 'a', confidence: 0.95 },
      { label: 'a', predicted: 'b', confidence: 0.6 },
      { label: 'b', predicted: 'b', confidence: 0.7 },
      { label: 'b', predicted: 'b', confidence: 0.2 },
    ];
    const [row] = precisionCoverage(preds, [threshold]);
    expect(row.coverage).toBeCloseTo(coverage);
    expect(row.precision).toBeCloseTo(precision);
  });
});

describe('cross-validation on market-regulation seed data', () => {
  it('reaches 0.80 accuracy with the extra seed examples added to training folds only', () => {
    const { base, extra } = seedParts();
    expect(base).toHaveLength(600);
    const testTexts = new Set(base.map((e) => e.text));
    expect(extra.some((e) => testTexts.has(e.text))).toBe(false); // extras never duplicate a test item
    const r = crossValidate(base, { folds: 5, seed: 0, extraTrain: extra });
    expect(r.predictions).toHaveLength(600);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.8);
    const [row] = precisionCoverage(r.predictions, [DEFAULT_THRESHOLD]);
    expect(row.precision).toBeGreaterThanOrEqual(0.95);
    expect(row.coverage).toBeGreaterThanOrEqual(0.6);
  });
});
