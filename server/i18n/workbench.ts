/** Workbench texts (zh, en). */
export const workbenchZh = {
  'wb.placeholder': '工作台',
} as const;

export const workbenchEn: Record<keyof typeof workbenchZh, string> = {
  'wb.placeholder': 'Workbench',
};
