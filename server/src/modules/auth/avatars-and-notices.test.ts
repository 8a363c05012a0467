import { AVATAR_MAX_BYTES } from '@liuliang/shared';
import { signIn, type Answer } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';

/** A 1×1 PNG, and the first bytes of the other accepted types. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60, 1)]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x20, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(40, 2)]);
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(40, 3)]);
const b64 = (bytes: Buffer) => bytes.toString('base64');

/** `PUT /me/avatar`, `GET /avatars/:id` and the message centre's read marks (issue 16). */
describe('avatars and notice reads', () => {
  let stack: TestStack;
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };
  const bot = () => ({ headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } });
  const avatarRows = () => stack.server.deps.dataSource.query('SELECT id, user_id, content_type, LENGTH(bytes) AS n FROM user_avatars ORDER BY id');
  const userRows = () => stack.server.deps.dataSource.query('SELECT id, nickname, avatar_id FROM users ORDER BY id');
  const readRows = () => stack.server.deps.dataSource.query('SELECT user_id, notice_id FROM notice_reads ORDER BY user_id, notice_id');

  beforeAll(async () => {
    stack = await startTestStack();
    alice = await signIn(stack.client, '13500000001');
    bob = await signIn(stack.client, '13500000002');
  });
  afterAll(() => stack.close());

  it('stores an uploaded face, serves it publicly at a new URL each time, and keeps only the current one', async () => {
    expect((await stack.client.get('/api/v1/me', { token: alice.token })).body.avatarUrl).toBeNull();
    const first = await stack.client.put('/api/v1/me/avatar', { image: b64(PNG) }, { token: alice.token });
    expect(first.status).toBe(200);
    expect(first.body.avatarUrl).toMatch(/^\/api\/v1\/avatars\/[0-9a-z]{26}$/);
    expect((await stack.client.get('/api/v1/me', { token: alice.token })).body.avatarUrl).toBe(first.body.avatarUrl);

    const served = await fetch(`${stack.url}${first.body.avatarUrl}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

    for (const [type, bytes] of [
      ['image/jpeg', JPEG],
      ['image/webp', WEBP],
      ['image/gif', GIF],
    ] as const) {
      const url = (await stack.client.put('/api/v1/me/avatar', { image: b64(bytes) }, { token: alice.token })).body.avatarUrl;
      expect((await fetch(`${stack.url}${url}`)).headers.get('content-type')).toBe(type);
    }
    // The earlier faces are gone: their URLs name nothing now.
    expect((await fetch(`${stack.url}${first.body.avatarUrl}`)).status).toBe(404);
    expect(await avatarRows()).toEqual([expect.objectContaining({ user_id: alice.userId, content_type: 'image/gif' })]);

    const cleared = await stack.client.delete('/api/v1/me/avatar', { token: alice.token });
    expect(cleared.body.avatarUrl).toBeNull();
    expect(await avatarRows()).toEqual([]);
  });

  it('takes a face of exactly the largest size, and leaves one face after two uploads at once', async () => {
    const largest = Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(AVATAR_MAX_BYTES - 8, 7)]);
    expect((await stack.client.put('/api/v1/me/avatar', { image: b64(largest) }, { token: bob.token })).status).toBe(200);
    const answers = await Promise.all([PNG, JPEG, GIF, WEBP].map((bytes) => stack.client.put('/api/v1/me/avatar', { image: b64(bytes) }, { token: bob.token })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const rows = await avatarRows();
    const me = (await stack.client.get('/api/v1/me', { token: bob.token })).body;
    expect(rows).toHaveLength(1);
    expect(me.avatarUrl).toBe(`/api/v1/avatars/${rows[0].id}`);
  });

  const notAnImage: Array<[string, unknown, number, string]> = [
    ['no image', {}, 400, 'VALIDATION_FAILED'],
    ['an empty image', { image: '' }, 400, 'VALIDATION_FAILED'],
    ['an image that is not base64', { image: '<svg onload=alert(1)>' }, 400, 'VALIDATION_FAILED'],
    ['an image as a number', { image: 42 }, 400, 'VALIDATION_FAILED'],
    ['base64 without its padding (a length that is no multiple of 4)', { image: b64(PNG).replace(/=+$/, '') }, 400, 'VALIDATION_FAILED'],
    ['base64 cut inside a group of four', { image: b64(PNG).slice(0, 13) }, 400, 'VALIDATION_FAILED'],
    ['an SVG', { image: b64(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')) }, 400, 'VALIDATION_FAILED'],
    ['an HTML page', { image: b64(Buffer.from('<!doctype html><script>alert(1)</script>')) }, 400, 'VALIDATION_FAILED'],
    ['a PDF', { image: b64(Buffer.from('%PDF-1.4 not a face')) }, 400, 'VALIDATION_FAILED'],
    ['a RIFF that is not WebP', { image: b64(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt ')])) }, 400, 'VALIDATION_FAILED'],
    ['a PNG one byte too large', { image: b64(Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(AVATAR_MAX_BYTES - 7, 7)])) }, 400, 'VALIDATION_FAILED'],
    ['an extra field', { image: b64(PNG), userId: '1' }, 400, 'VALIDATION_FAILED'],
  ];
  it.each(notAnImage)('refuses %s and changes nothing', async (_name, body, status, code) => {
    const before = JSON.stringify([await avatarRows(), await userRows()]);
    const answer = await stack.client.put('/api/v1/me/avatar', body, { token: alice.token });
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code });
    expect(JSON.stringify([await avatarRows(), await userRows()])).toBe(before);
  });

  it('refuses a body far over the limit before reading it, and any other route a body over the usual limit', async () => {
    const huge = await stack.client.put('/api/v1/me/avatar', undefined, {
      token: alice.token,
      rawBody: JSON.stringify({ image: 'A'.repeat(2 * AVATAR_MAX_BYTES) }),
      headers: { 'content-type': 'application/json' },
    });
    expect({ status: huge.status, code: huge.body.error.code }).toEqual({ status: 413, code: 'BODY_TOO_LARGE' });
    const elsewhere = await stack.client.call('PATCH', '/api/v1/me', undefined, {
      token: alice.token,
      rawBody: JSON.stringify({ nickname: 'x'.repeat(100 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect({ status: elsewhere.status, code: elsewhere.body.error.code }).toEqual({ status: 413, code: 'BODY_TOO_LARGE' });
  });

  it('lets only the signed-in person change their face; an avatar id that names nothing is a 404', async () => {
    const before = JSON.stringify([await avatarRows(), await userRows()]);
    const cases: Array<[string, () => Promise<Answer>, number, string]> = [
      ['upload with no token', () => stack.client.put('/api/v1/me/avatar', { image: b64(PNG) }), 401, 'UNAUTHENTICATED'],
      ['upload by the bot itself', () => stack.client.put('/api/v1/me/avatar', { image: b64(PNG) }, bot()), 403, 'FORBIDDEN'],
      ['upload with a forged token', () => stack.client.put('/api/v1/me/avatar', { image: b64(PNG) }, { token: `${alice.token}x` }), 401, 'UNAUTHENTICATED'],
      ['removal with no token', () => stack.client.delete('/api/v1/me/avatar'), 401, 'UNAUTHENTICATED'],
      ['removal by the bot itself', () => stack.client.delete('/api/v1/me/avatar', bot()), 403, 'FORBIDDEN'],
      ['a guessed avatar id', () => stack.client.get('/api/v1/avatars/0123456789abcdefghjkmnpqrs'), 404, 'NOT_FOUND'],
      ['an avatar id that is no id', () => stack.client.get('/api/v1/avatars/..%2F..%2Fetc'), 404, 'NOT_FOUND'],
    ];
    for (const [name, call, status, code] of cases) {
      const answer = await call();
      expect({ name, status: answer.status, code: answer.body.error?.code }).toEqual({ name, status, code });
    }
    expect(JSON.stringify([await avatarRows(), await userRows()])).toBe(before);
    // Another user's upload changes their own face only.
    const bobBefore = (await stack.client.get('/api/v1/me', { token: bob.token })).body.avatarUrl;
    await stack.client.put('/api/v1/me/avatar', { image: b64(PNG) }, { token: alice.token });
    expect((await stack.client.get('/api/v1/me', { token: bob.token })).body.avatarUrl).toBe(bobBefore);
  });

  it('keeps read marks per user: one when opened, many for 全部已读, a repeat or a race changes nothing', async () => {
    expect((await stack.client.get('/api/v1/me/notices/read', { token: alice.token })).body).toEqual({ readIds: [] });
    const one = await stack.client.post('/api/v1/me/notices/read', { ids: ['41'] }, { token: alice.token });
    expect(one.status).toBe(200);
    expect(one.body.readIds).toEqual(['41']);
    const all = ['41', '42', 'expiring-2026-12-31', 'packet-finished-0123456789abcdefghjkmnpqrs'];
    const raced = await Promise.all([1, 2, 3].map(() => stack.client.post('/api/v1/me/notices/read', { ids: [...all, '42'] }, { token: alice.token })));
    expect(raced.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set((await stack.client.get('/api/v1/me/notices/read', { token: alice.token })).body.readIds)).toEqual(new Set(all));
    // Bob's marks are his own.
    expect((await stack.client.get('/api/v1/me/notices/read', { token: bob.token })).body).toEqual({ readIds: [] });
    expect((await readRows()).filter((r: { user_id: string }) => String(r.user_id) === bob.userId)).toEqual([]);
  });

  const badMarks: Array<[string, () => Promise<Answer>, number, string]> = [
    ['no ids', () => stack.client.post('/api/v1/me/notices/read', {}, { token: alice.token }), 400, 'VALIDATION_FAILED'],
    ['an empty list', () => stack.client.post('/api/v1/me/notices/read', { ids: [] }, { token: alice.token }), 400, 'VALIDATION_FAILED'],
    ['101 ids', () => stack.client.post('/api/v1/me/notices/read', { ids: Array.from({ length: 101 }, (_, i) => String(i)) }, { token: alice.token }), 400, 'VALIDATION_FAILED'],
    ['an id of 65 characters', () => stack.client.post('/api/v1/me/notices/read', { ids: ['a'.repeat(65)] }, { token: alice.token }), 400, 'VALIDATION_FAILED'],
    ['an id with a space', () => stack.client.post('/api/v1/me/notices/read', { ids: ['a b'] }, { token: alice.token }), 400, 'VALIDATION_FAILED'],
    ['an id in capitals', () => stack.client.post('/api/v1/me/notices/read', { ids: ['ABC'] }, { token: alice.token }), 400, 'VALIDATION_FAILED'],
    ['an id as a number', () => stack.client.post('/api/v1/me/notices/read', { ids: [41] }, { token: alice.token }), 400, 'VALIDATION_FAILED'],
    ['an extra field', () => stack.client.post('/api/v1/me/notices/read', { ids: ['1'], userId: bob.userId }, { token: alice.token }), 400, 'VALIDATION_FAILED'],
    ['marks with no token', () => stack.client.post('/api/v1/me/notices/read', { ids: ['1'] }), 401, 'UNAUTHENTICATED'],
    ['marks by the bot itself', () => stack.client.post('/api/v1/me/notices/read', { ids: ['1'] }, bot()), 403, 'FORBIDDEN'],
    ['reads with no token', () => stack.client.get('/api/v1/me/notices/read'), 401, 'UNAUTHENTICATED'],
    ['reads by the bot itself', () => stack.client.get('/api/v1/me/notices/read', bot()), 403, 'FORBIDDEN'],
  ];
  it.each(badMarks)('refuses %s and marks nothing', async (_name, call, status, code) => {
    const before = JSON.stringify(await readRows());
    const answer = await call();
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code });
    expect(JSON.stringify(await readRows())).toBe(before);
  });
});
