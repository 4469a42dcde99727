import { jaccard, nearDuplicate, parseSketch, shingles, sketch, sketchSimilarity } from '../../../server/items/similarity';

describe('near-duplicate detection', () => {
  it.each([
    ['XX菜市场东门第三个摊位卖注水猪肉，称重还短斤少两。', 'XX菜市场东门第三个摊位卖注水猪肉，称重还短斤少两！！'],
    ['XX菜市场东门第三个摊位卖注水猪肉，称重还短斤少两。', 'XX菜市场东门第三个摊位在卖注水猪肉，称重还短斤少两'],
    ['幸福小区3号楼电梯又困人了，已经是本月第三次，物业不管。', '幸福小区3号楼的电梯又困人了，已经是本月第三次了，物业不管'],
    ['The elevator in Block 3 of Xingfu Garden trapped people again', 'the elevator in block 3 of xingfu garden trapped people again!'],
    ['ＸＸ菜市场东门第三个摊位卖注水猪肉，称重还短斤少两', 'xx菜市场东门第三个摊位卖注水猪肉称重还短斤少两'],
  ])('groups %j with %j', (a, b) => {
    expect(nearDuplicate(a, b)).toBe(true);
  });

  it.each([
    ['XX菜市场东门第三个摊位卖注水猪肉，称重还短斤少两。', '幸福小区3号楼电梯又困人了，已经是本月第三次，物业不管。'],
    ['幸福小区3号楼电梯又困人了，已经是本月第三次，物业不管。', '阳光小区5号楼电梯又困人了，这个月第二次，物业说找厂家。'],
    ['登记大厅窗口工作人员态度恶劣，让我来回跑了三趟。', '登记注册网上系统一直打不开，营业执照年报没法提交。'],
  ])('keeps %j apart from %j', (a, b) => {
    expect(nearDuplicate(a, b)).toBe(false);
  });

  it('ignores texts too short to compare', () => {
    expect(shingles('电梯坏了')).toBeNull();
    expect(nearDuplicate('电梯坏了', '电梯坏了')).toBe(false);
  });

  it('measures overlap symmetrically between 0 and 1', () => {
    const a = shingles('幸福小区3号楼电梯又困人了本月第三次') as Set<string>;
    const b = shingles('幸福小区3号楼电梯困人了本月第三次了') as Set<string>;
    expect(jaccard(a, b)).toBeCloseTo(jaccard(b, a));
    expect(jaccard(a, a)).toBe(1);
    expect(jaccard(a, b)).toBeGreaterThan(0);
    expect(jaccard(a, b)).toBeLessThan(1);
  });
});

describe('MinHash sketches', () => {
  it('estimate the exact Jaccard similarity closely', () => {
    const pairs = [
      ['幸福小区3号楼电梯又困人了，已经是本月第三次，物业不管。', '幸福小区3号楼的电梯又困人了，已经是本月第三次了，物业不管'],
      ['XX菜市场东门第三个摊位卖注水猪肉，称重还短斤少两。', '幸福小区3号楼电梯又困人了，已经是本月第三次，物业不管。'],
      ['The elevator in Block 3 of Xingfu Garden trapped people again and again', 'The elevator in Block 5 of Xingfu Garden broke down again last week'],
    ];
    for (const [a, b] of pairs) {
      const exact = jaccard(shingles(a) as Set<string>, shingles(b) as Set<string>);
      const estimate = sketchSimilarity(parseSketch(sketch(a) as string), parseSketch(sketch(b) as string));
      expect(Math.abs(exact - estimate)).toBeLessThan(0.15);
    }
  });
});
