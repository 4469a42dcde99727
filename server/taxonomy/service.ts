import seed from './taxonomy.json';
import type { Category, Department, TaxonomyRepo } from './repo';

export type Taxonomy = {
  departments: Department[];
  categories: Category[];
  category(code: string | null | undefined): Category | undefined;
  department(code: string | null | undefined): Department | undefined;
};

type SeedCategory = (typeof seed.categories)[number] & { restricted?: boolean };

/** The default departments and categories shipped with the product (../shared/data/taxonomy.json). */
export function defaultTaxonomy(): { departments: Department[]; categories: Category[] } {
  return {
    departments: seed.departments.map((d) => ({ code: d.code, nameZh: d.zh, nameEn: d.en, active: true })),
    categories: (seed.categories as SeedCategory[]).map((c) => ({
      code: c.code,
      nameZh: c.zh,
      nameEn: c.en,
      departmentCode: c.department,
      ackHours: c.ack_hours,
      replyDays: c.reply_days,
      maxDays: c.max_days,
      priority: c.priority,
      restricted: Boolean(c.restricted),
      coversEn: c.covers,
      active: true,
      autoThreshold: null,
    })),
  };
}

/** Seeds the default taxonomy; safe to run on every start. Returns how many rows were new. */
export async function seedTaxonomy(repo: TaxonomyRepo): Promise<{ departments: number; categories: number }> {
  const { departments, categories } = defaultTaxonomy();
  return {
    departments: await repo.insertMissingDepartments(departments),
    categories: await repo.insertMissingCategories(categories),
  };
}

/** Loads the live taxonomy into an in-memory lookup (it is small and read on every request). */
export async function loadTaxonomy(repo: TaxonomyRepo): Promise<Taxonomy> {
  const departments = await repo.listDepartments();
  const categories = await repo.listCategories();
  const cats = new Map(categories.map((c) => [c.code, c]));
  const depts = new Map(departments.map((d) => [d.code, d]));
  return {
    departments,
    categories,
    category: (code) => (code ? cats.get(code) : undefined),
    department: (code) => (code ? depts.get(code) : undefined),
  };
}

const ZH_SUFFIX = /[处室科局]$/;
const EN_SUFFIX = /\s+(division|office|section|department)$/i;

/**
 * The ways a citizen writes a division's name: in full, with its unit word swapped (法规科 for
 * 法规处, 纪检监察处 for 纪检监察室), without the 监管 in the middle (食品安全处), and in English with or
 * without "Division"/"Office".
 */
export function departmentAliases(d: { nameZh: string; nameEn: string }): { zh: string[]; en: string[] } {
  const zh = new Set([d.nameZh]);
  if (ZH_SUFFIX.test(d.nameZh)) {
    const stem = d.nameZh.slice(0, -1);
    const stems = [stem, ...(stem.endsWith('监管') && stem.length > 4 ? [stem.slice(0, -2)] : [])];
    for (const s of stems) for (const unit of ['处', '室', '科']) zh.add(s + unit);
  }
  const en = new Set([d.nameEn.toLowerCase()]);
  const enStem = d.nameEn.replace(EN_SUFFIX, '').toLowerCase();
  if (enStem !== d.nameEn.toLowerCase()) for (const unit of ['division', 'office', 'section', 'department']) en.add(`${enStem} ${unit}`);
  return { zh: [...zh], en: [...en] };
}

/** Every division named in the given texts (the "which unit" field, the report itself), by any alias. */
export function departmentsNamedIn(texts: readonly (string | null | undefined)[], taxonomy: Taxonomy): string[] {
  const folded = texts.filter(Boolean).join('\n').normalize('NFKC').toLowerCase();
  if (!folded) return [];
  return taxonomy.departments
    .filter((d) => {
      const a = departmentAliases(d);
      return a.zh.some((n) => folded.includes(n)) || a.en.some((n) => new RegExp(`(^|[^a-z])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z])`).test(folded));
    })
    .map((d) => d.code);
}
