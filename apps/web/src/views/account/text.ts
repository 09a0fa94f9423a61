/**
 * The API's messages are Chinese with an English gloss for operators' logs
 * (`原密码不正确 (the current password is wrong)`); people read the Chinese.
 */
export function plainMessage(message: string): string {
  const stripped = message.replace(/\s*\((?=[^()]*[A-Za-z])[^()\u3400-\u9fff]*\)\s*$/, '');
  return stripped || message;
}

/** The password policy, checked here too so that a mistake shows before the round trip (the API checks it again). */
export function passwordProblem(password: string): string | null {
  if (password.length < 10) return '至少 10 个字符';
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return '须同时含字母和数字';
  return null;
}

export const PASSWORD_HINT = '至少 10 位，且须同时含字母和数字';
