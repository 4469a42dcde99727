import type { Item } from '../items/types';
import type { Taxonomy } from '../taxonomy/service';

export const ROLES = ['admin', 'dispatcher', 'head', 'staff', 'inspector', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export type Principal = { kind: 'user' | 'apikey'; id: number; role: Role; departmentCode: string | null };

const BUREAU_WIDE: readonly Role[] = ['admin', 'dispatcher', 'auditor', 'inspector'];

/** Roles tied to one department must name it. */
export function roleNeedsDepartment(role: Role): boolean {
  return role === 'head' || role === 'staff';
}

/**
 * Who may read an item: integrity reports only inspectors; bureau-wide roles everything else;
 * department roles only their own department's items.
 */
export function canReadItem(p: Principal, item: Item, taxonomy: Taxonomy): boolean {
  // Conflict of interest: a division named in a supervision report never sees it.
  if (item.conflictDepartment && (p.role === 'head' || p.role === 'staff') && p.departmentCode === item.conflictDepartment) return false;
  const restricted = taxonomy.category(item.categoryCode)?.restricted ?? false;
  if (restricted) return p.role === 'inspector';
  if (BUREAU_WIDE.includes(p.role)) return true;
  return p.departmentCode !== null && item.departmentCode === p.departmentCode;
}
