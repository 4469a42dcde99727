import type { Principal, Role } from '../../server/access/policy';
import type { Item } from '../../server/items/types';
import type { TestApp } from './app';

/** A principal of a role (and department), as the workflow sees a signed-in person. */
export function principal(role: Role, departmentCode: string | null = null, id = 9000): Principal {
  return { kind: 'user', id, role, departmentCode, name: `${role}-${departmentCode ?? 'bureau'}` };
}

async function load(t: TestApp, itemId: number): Promise<Item> {
  const item = await t.c.repos.items.findById(itemId);
  if (!item) throw new Error(`no item ${itemId}`);
  return item;
}

/** A dispatcher routes (or reroutes) the item to a category. */
export async function routeItem(t: TestApp, itemId: number, category: string, note?: string): Promise<Item> {
  return (await t.c.workflow.apply('route', itemId, { principal: principal('dispatcher') }, { category, ...(note ? { note } : {}) })).item;
}

/** The item's department head signs for it (if not yet) and answers it, as a head does from the workbench. */
export async function answerItem(t: TestApp, itemId: number, text: string): Promise<Item> {
  const item = await load(t, itemId);
  const head = { principal: principal('head', item.departmentCode) };
  if (item.status === 'assigned') await t.c.workflow.apply('accept', itemId, head);
  return (await t.c.workflow.apply('reply', itemId, head, { text })).item;
}

/** The head closes an answered item (the citizen is then asked for a rating). */
export async function closeItem(t: TestApp, itemId: number): Promise<Item> {
  const item = await load(t, itemId);
  return (await t.c.workflow.apply('close', itemId, { principal: principal('head', item.departmentCode) })).item;
}
