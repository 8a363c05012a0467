import { OperatorRoleSchema, PhoneSchema } from '@liuliang/shared';
import { ConfigSchema } from '../config';
import { createDataSource, migrate } from '../db/data-source';
import { inTransaction } from '../db/sql';
import { systemClock } from '../platform/clock';
import { grantOperatorRole } from '../modules/sponsors/service';

/**
 * `npm run ops -- grant <phone> <admin|finance|support>`: makes an operator from the command
 * line, on any database (production too): how the first admin is made, since only an admin may
 * grant through the API. The role is kept by phone, so the number need not have signed in yet;
 * it applies from its first sign-in. Migrates first: on a fresh clone this runs before the service.
 */
const USAGE = 'usage: npm run ops -- grant <phone> <admin|finance|support>';

async function main(): Promise<number> {
  const [command, phoneArg, roleArg] = process.argv.slice(2);
  const phone = PhoneSchema.safeParse(phoneArg);
  const role = OperatorRoleSchema.safeParse(roleArg);
  if (command !== 'grant' || !phone.success || !role.success) {
    console.error(USAGE);
    return 2;
  }
  // The database is all this needs: production's secrets need not be in the operator's shell.
  const databaseUrl = ConfigSchema.shape.DATABASE_URL.parse(process.env.DATABASE_URL);
  await migrate(databaseUrl);
  const dataSource = createDataSource(databaseUrl, 2);
  await dataSource.initialize();
  try {
    await inTransaction(dataSource, (sql) => grantOperatorRole(sql, phone.data, role.data, 'cli', systemClock.now()));
  } finally {
    await dataSource.destroy();
  }
  console.log(`${phone.data} is now an operator (${role.data}); it applies at once, or from the first sign-in of a number not registered yet.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('ops could not run:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
