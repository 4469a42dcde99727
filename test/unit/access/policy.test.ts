import { canReadItem, type Principal, type Role } from '../../../server/access/policy';
import type { Item } from '../../../server/items/types';
import { defaultTaxonomy, type Taxonomy } from '../../../server/taxonomy/service';

const { departments, categories } = defaultTaxonomy();
const taxonomy: Taxonomy = {
  departments,
  categories,
  category: (code) => categories.find((c) => c.code === code),
  department: (code) => departments.find((d) => d.code === code),
};

const item = (over: Partial<Item>): Item => ({ categoryCode: 'food_safety', departmentCode: 'food', conflictDepartments: [], ...over }) as Item;
const who = (role: Role, departmentCode: string | null = null): Principal => ({ kind: 'user', id: 1, role, departmentCode });

describe('who may read an item', () => {
  it.each([
    ['a head of its division', who('head', 'food'), item({}), true],
    ['staff of its division', who('staff', 'food'), item({}), true],
    ['staff of another division', who('staff', 'brand'), item({}), false],
    ['a dispatcher', who('dispatcher'), item({}), true],
    ['an auditor', who('auditor'), item({}), true],
    ['a dispatcher, for an integrity report', who('dispatcher'), item({ categoryCode: 'integrity', departmentCode: 'inspection' }), false],
    ['an admin, for an integrity report', who('admin'), item({ categoryCode: 'integrity', departmentCode: 'inspection' }), false],
    ['an inspector, for an integrity report', who('inspector', 'inspection'), item({ categoryCode: 'integrity', departmentCode: 'inspection' }), true],
    ['the head of the division a report names', who('head', 'legal'), item({ categoryCode: 'law_enforcement', departmentCode: 'legal', conflictDepartments: ['legal'] }), false],
    ['a dispatcher, for a report naming a division', who('dispatcher'), item({ categoryCode: 'law_enforcement', departmentCode: 'legal', conflictDepartments: ['legal'] }), true],
    ['a department role without a department', who('staff', null), item({ departmentCode: null, categoryCode: null }), false],
  ])('%s: %s', (_name, principal, it, expected) => {
    expect(canReadItem(principal, it, taxonomy)).toBe(expected);
  });
});
