import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentOpenApiDocument, OPENAPI_FILE } from './openapi-document';

describe('the committed OpenAPI document', () => {
  it('matches the routes as declared (run `npm run openapi -w server` after changing an API)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', OPENAPI_FILE), 'utf8'));
    expect(committed).toEqual(currentOpenApiDocument());
  });

  it('describes amounts as integers, never floats', () => {
    const doc = currentOpenApiDocument() as { paths: Record<string, any> };
    const gift = doc.paths['/api/v1/gifts'].post.requestBody.content['application/json'].schema;
    expect(gift.properties.amountMb.type).toBe('integer');
  });
});
