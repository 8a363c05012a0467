import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestStack, type TestStack } from '../test-support/stack';

describe('the H5 files served at /', () => {
  let stack: TestStack;
  let h5Dir: string;

  beforeAll(async () => {
    h5Dir = mkdtempSync(join(tmpdir(), 'll-h5-'));
    writeFileSync(join(h5Dir, 'index.html'), '<!DOCTYPE html><title>app</title>');
    stack = await startTestStack({ H5_DIR: h5Dir });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(h5Dir, { recursive: true, force: true });
  });

  it('answers a malformed percent-escape in the path with a 400 JSON error and logs no stack', async () => {
    const logged = jest.spyOn(stack.server.deps.logger, 'error');
    const response = await fetch(`${stack.url}/%E0%A4%A`);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
    expect(JSON.stringify(body)).not.toMatch(/URIError|at .*\.ts/);
    expect(logged).not.toHaveBeenCalled();
  });

  it('still serves files whose names are percent-encoded', async () => {
    writeFileSync(join(h5Dir, 'a b.txt'), 'hello');
    const response = await fetch(`${stack.url}/a%20b.txt`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello');
  });

  it("answers the browser's own favicon request with no content rather than a 404 error", async () => {
    const response = await fetch(`${stack.url}/favicon.ico`);
    expect(response.status).toBe(204);
  });
});
