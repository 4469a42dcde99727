/** Staff sign-in texts (zh, en). */
export const authZh = {
  'auth.title': '工作人员登录',
  'auth.lead': '本页面仅供本局工作人员使用。如需反映问题，请返回首页。',
  'auth.username': '用户名',
  'auth.password': '密码',
  'auth.submit': '登录',
  'auth.signOut': '退出登录',
  'auth.signedInAs': '当前登录：{name}',
  'auth.err.username.required': '请输入用户名',
  'auth.err.password.required': '请输入密码',
  'auth.err.invalid': '用户名或密码不正确',
  'auth.err.locked': '登录失败次数过多，账号已被锁定。请{minutes}分钟后再试。',
  'auth.err.lockedOne': '登录失败次数过多，账号已被锁定。请1分钟后再试。',
  'auth.err.rateLimited': '登录尝试过于频繁，请{minutes}分钟后再试。',
  'auth.err.expired': '页面已过期，请重新输入密码后再登录。',
} as const;

export const authEn: Record<keyof typeof authZh, string> = {
  'auth.title': 'Staff sign in',
  'auth.lead': 'This page is for bureau staff only. To send us a message, go to the home page.',
  'auth.username': 'Username',
  'auth.password': 'Password',
  'auth.submit': 'Sign in',
  'auth.signOut': 'Sign out',
  'auth.signedInAs': 'Signed in as {name}',
  'auth.err.username.required': 'Enter your username',
  'auth.err.password.required': 'Enter your password',
  'auth.err.invalid': 'Wrong username or password',
  'auth.err.locked': 'This account is locked after too many failed sign-in attempts. Try again in {minutes} minutes.',
  'auth.err.lockedOne': 'This account is locked after too many failed sign-in attempts. Try again in 1 minute.',
  'auth.err.rateLimited': 'Too many sign-in attempts from your network. Try again in {minutes} minutes.',
  'auth.err.expired': 'The page had expired. Enter your password again and sign in.',
};
