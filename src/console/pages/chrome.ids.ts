/** DOM ids of the shell every signed-in page shares (render-page.ts), read by dom.ts. */
export const CHROME_IDS = {
  logout: 'logout',
  main: 'main',
} as const
