import { defaultTaxonomy, departmentsNamedIn, type Taxonomy } from '../../../server/taxonomy/service';

const { departments, categories } = defaultTaxonomy();
const taxonomy: Taxonomy = { departments, categories, category: (c) => categories.find((x) => x.code === c), department: (c) => departments.find((x) => x.code === c) };

describe('which divisions a supervision report names', () => {
  it.each([
    ['the full name', ['法规处'], ['legal']],
    ['a short name with another unit word', ['法规科的人'], ['legal']],
    ['without 监管 in the middle', ['食品安全处两个人'], ['food']],
    ['several at once', ['法规处和食品安全监管处'], ['food', 'legal']],
    ['one in the unit field, one in the text', ['商标广告监管处', '还有法规科的王某也在场'], ['brand', 'legal']],
    ['the English name', ['the Legal Affairs Division officer'], ['legal']],
    ['an English name with another unit word', ['someone at the Food Safety Office'], ['food']],
    ['full-width characters', ['ＬＥＧＡＬ ＡＦＦＡＩＲＳ ＤＩＶＩＳＩＯＮ'], ['legal']],
    ['the discipline office by its other unit word', ['纪检监察处'], ['inspection']],
    ['nothing', ['执法人员态度差'], []],
    ['a word inside another English word does not count', ['illegal affairs division-ish'], []],
  ])('%s', (_name, texts, expected) => {
    expect(departmentsNamedIn(texts, taxonomy).sort()).toEqual(expected);
  });
});
