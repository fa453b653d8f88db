/** Where a signed-in user changes their own password (forced there while the server says a change is due). */
export const PASSWORD_PAGE_URL = '/password'

/** DOM ids of the password-change page (password.page.ts), read by password.ts. */
export const PASSWORD_IDS = {
  form: 'password-form',
  error: 'password-error',
  logout: 'password-logout',
} as const
