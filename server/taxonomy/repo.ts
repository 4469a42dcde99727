import type { Tx } from '../db';

export type Department = { code: string; nameZh: string; nameEn: string; active: boolean };
export type Category = {
  code: string;
  nameZh: string;
  nameEn: string;
  departmentCode: string;
  ackHours: number;
  replyDays: number;
  maxDays: number;
  priority: string;
  restricted: boolean;
  coversEn: string | null;
  active: boolean;
  autoThreshold: number | null;
};

type DeptRow = { code: string; name_zh: string; name_en: string; active: unknown };
type CatRow = {
  code: string;
  name_zh: string;
  name_en: string;
  department_code: string;
  ack_hours: number;
  reply_days: number;
  max_days: number;
  priority: string;
  restricted: unknown;
  covers_en: string | null;
  active: unknown;
  auto_threshold: number | null;
};

const toDepartment = (r: DeptRow): Department => ({ code: r.code, nameZh: r.name_zh, nameEn: r.name_en, active: Boolean(r.active) });
const toCategory = (r: CatRow): Category => ({
  code: r.code,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  departmentCode: r.department_code,
  ackHours: r.ack_hours,
  replyDays: r.reply_days,
  maxDays: r.max_days,
  priority: r.priority,
  restricted: Boolean(r.restricted),
  coversEn: r.covers_en,
  active: Boolean(r.active),
  autoThreshold: r.auto_threshold === null || r.auto_threshold === undefined ? null : Number(r.auto_threshold),
});

export function createTaxonomyRepo(db: Tx) {
  return {
    async listDepartments(tx: Tx = db): Promise<Department[]> {
      return (await tx<DeptRow>('departments').orderBy([{ column: 'sort' }, { column: 'code' }])).map(toDepartment);
    },
    async listCategories(tx: Tx = db): Promise<Category[]> {
      return (await tx<CatRow>('categories').orderBy([{ column: 'sort' }, { column: 'code' }])).map(toCategory);
    },
    /** Sets a category's auto-routing threshold (null: the default); false when no such category. */
    async setAutoThreshold(code: string, threshold: number | null, tx: Tx = db): Promise<boolean> {
      return (await tx('categories').where({ code }).update({ auto_threshold: threshold })) === 1;
    },
    /** Inserts departments missing by code; existing rows (possibly edited by an administrator) are left alone. */
    async insertMissingDepartments(rows: Department[], tx: Tx = db): Promise<number> {
      if (!rows.length) return 0;
      const res = await tx('departments')
        .insert(rows.map((d, i) => ({ code: d.code, name_zh: d.nameZh, name_en: d.nameEn, active: d.active, sort: i })))
        .onConflict('code')
        .ignore()
        .returning('code');
      return res.length;
    },
    async insertMissingCategories(rows: Category[], tx: Tx = db): Promise<number> {
      if (!rows.length) return 0;
      const res = await tx('categories')
        .insert(
          rows.map((c, i) => ({
            code: c.code,
            name_zh: c.nameZh,
            name_en: c.nameEn,
            department_code: c.departmentCode,
            ack_hours: c.ackHours,
            reply_days: c.replyDays,
            max_days: c.maxDays,
            priority: c.priority,
            restricted: c.restricted,
            covers_en: c.coversEn,
            active: c.active,
            sort: i,
          })),
        )
        .onConflict('code')
        .ignore()
        .returning('code');
      return res.length;
    },
  };
}

export type TaxonomyRepo = ReturnType<typeof createTaxonomyRepo>;
