import type { Item } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';

export const ROLES = ['admin', 'dispatcher', 'head', 'staff', 'inspector', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Someone acting on items: a signed-in person or an API key. `deputyFor` lists the heads whose
 * rights this person holds today (岗位代理), resolved once per request.
 */
export type Principal = { kind: 'user' | 'apikey'; id: number; role: Role; departmentCode: string | null; name?: string; deputyFor?: readonly { id: number; name: string }[] };

const BUREAU_WIDE: readonly Role[] = ['admin', 'dispatcher', 'auditor', 'inspector'];

/** Roles tied to one department must name it. */
export function roleNeedsDepartment(role: Role): boolean {
  return role === 'head' || role === 'staff';
}

/**
 * Which items a principal may read, as data: the single-item check below and the SQL filter of every
 * list (items repo `applyScope`) are both made from it, so a list never shows what a page would refuse.
 * - `departments`: null for bureau-wide roles, otherwise the one department;
 * - `restricted`: integrity reports are readable by inspectors only;
 * - `conflictDepartment`: a report naming this division is hidden from everyone in it, whatever the role.
 */
export type ItemScope = { departments: readonly string[] | null; restricted: 'include' | 'exclude'; restrictedCodes: readonly string[]; conflictDepartment: string | null };

export function scopeFor(p: Principal, taxonomy: Taxonomy): ItemScope {
  const restrictedCodes = taxonomy.categories.filter((c) => c.restricted).map((c) => c.code);
  const conflictDepartment = p.departmentCode;
  if (p.role === 'inspector') return { departments: null, restricted: 'include', restrictedCodes, conflictDepartment };
  if (BUREAU_WIDE.includes(p.role)) return { departments: null, restricted: 'exclude', restrictedCodes, conflictDepartment };
  // A department role without a department reads nothing.
  return { departments: p.departmentCode ? [p.departmentCode] : [], restricted: 'exclude', restrictedCodes, conflictDepartment };
}

/** The single-item form of the scope. */
export function inScope(scope: ItemScope, item: Pick<Item, 'categoryCode' | 'departmentCode' | 'conflictDepartments'>): boolean {
  if (scope.conflictDepartment && item.conflictDepartments.includes(scope.conflictDepartment)) return false;
  if (scope.restricted === 'exclude' && item.categoryCode && scope.restrictedCodes.includes(item.categoryCode)) return false;
  if (scope.departments && !(item.departmentCode && scope.departments.includes(item.departmentCode))) return false;
  return true;
}

/**
 * Who may read an item: integrity reports only inspectors; bureau-wide roles everything else;
 * department roles only their own department's items; nobody in a division the report names.
 */
export function canReadItem(p: Principal, item: Pick<Item, 'categoryCode' | 'departmentCode' | 'conflictDepartments'>, taxonomy: Taxonomy): boolean {
  return inScope(scopeFor(p, taxonomy), item);
}
