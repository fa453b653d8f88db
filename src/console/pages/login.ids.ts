/** DOM ids of the login page (login.page.ts), read by login.ts. */
export const LOGIN_IDS = {
  form: 'login-form',
  error: 'login-error',
} as const
