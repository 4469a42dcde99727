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

/** The division a piece of text names by its full Chinese or English name, if exactly one. */
export function departmentNamedIn(text: string | null | undefined, taxonomy: Taxonomy): string | null {
  if (!text) return null;
  const folded = text.normalize('NFKC').toLowerCase();
  const named = taxonomy.departments.filter((d) => folded.includes(d.nameZh) || folded.includes(d.nameEn.toLowerCase()));
  return named.length === 1 ? named[0].code : null;
}
