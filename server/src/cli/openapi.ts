import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentOpenApiDocument, OPENAPI_FILE } from '../http/openapi-document';

/** `npm run openapi -w server`: regenerates the committed server/openapi.json. */
const target = join(__dirname, '..', '..', OPENAPI_FILE);
writeFileSync(target, `${JSON.stringify(currentOpenApiDocument(), null, 2)}\n`);
console.log(`wrote ${target}`);
