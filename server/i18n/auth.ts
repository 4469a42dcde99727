/** Staff sign-in texts (zh, en). */
export const authZh = {
  'auth.placeholder': '登录',
} as const;

export const authEn: Record<keyof typeof authZh, string> = {
  'auth.placeholder': 'Sign in',
};
