import { loadConfig } from '../config';
import { migrate } from '../db/data-source';

migrate(loadConfig().DATABASE_URL)
  .then(() => console.log('migrations are up to date'))
  .catch((error: unknown) => {
    console.error('migration failed:', error);
    process.exit(1);
  });
