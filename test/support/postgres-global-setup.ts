import { createDb } from '../../src/storage/create-db.js'
import { POSTGRES_URL_ENV, startPostgres, type TestPostgres } from './postgres-server.js'

/**
 * vitest globalSetup: with QUNDESK_TEST_DATABASE=postgres, the whole suite runs on PostgreSQL. One throwaway cluster
 * for the run, and one database migrated to the latest schema as the template every test's database is copied from.
 * The workers find both through the environment (they are forked after this runs).
 */
export const TEMPLATE_ENV = 'QUNDESK_TEST_POSTGRES_TEMPLATE'

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.QUNDESK_TEST_DATABASE !== 'postgres') return undefined
  const server: TestPostgres = await startPostgres()
  const templateUrl = await server.createDatabase('qundesk_template')
  const db = await createDb({ url: templateUrl })
  await db.destroy()
  process.env[POSTGRES_URL_ENV] = server.url
  process.env[TEMPLATE_ENV] = 'qundesk_template'
  return () => server.stop()
}
