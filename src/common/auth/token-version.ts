import type { EntityManager } from 'typeorm';

/**
 * Signs an account out everywhere: bumps its `token_version`, so the guard refuses every access
 * token issued before (they carry the old version as `ver`). Call it on the transaction of the
 * change that warrants it (new phone, new password, disabling, "log out everywhere").
 * Returns the new version, or undefined when the account does not exist.
 */
export async function revokeAccessTokens(tx: EntityManager, account: { type: 'user' | 'guardian'; id: string }): Promise<number | undefined> {
  const table = account.type === 'user' ? 'users' : 'guardians';
  const rows: { token_version: number }[] = await tx.query(
    `WITH u AS (UPDATE ${table} SET token_version = token_version + 1 WHERE id = $1 RETURNING token_version)
     SELECT token_version FROM u`,
    [account.id],
  );
  return rows[0]?.token_version;
}
