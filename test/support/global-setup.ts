import { createTestDatabase, TestDatabase } from './test-database';

declare global {
  var __kinbridgeTestDatabase: TestDatabase | undefined;
}

/** One database for the e2e run; each test file makes its own rows with the factories. */
export default async function globalSetup(): Promise<void> {
  const database = await createTestDatabase();
  globalThis.__kinbridgeTestDatabase = database;
  process.env.TEST_DATABASE_URL = database.url;
}
