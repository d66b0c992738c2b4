/** Versioned migrations through kysely's migrator: each database records which it has run, and runs the rest in order. */
import { Migrator, type Kysely, type Migration } from 'kysely';

export async function migrate(db: Kysely<unknown>, migrations: Record<string, Migration>, what: string): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'a migration';
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Threadline: failed to open the ${what}: ${failed} failed (${reason}). Nothing after it was applied; fix the cause and start the relay again.`, { cause: error });
  }
}
