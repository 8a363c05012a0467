import { randomUUID } from 'node:crypto';

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  /** Sent as Idempotency-Key; `true` makes a fresh one. */
  idempotencyKey?: string | true;
  headers?: Record<string, string>;
  /** A raw body sent as is (to test bad JSON, wrong content types, huge bodies). */
  rawBody?: string;
}

/** A small client over real HTTP, as a mini-program or the bot would call the service. */
export function httpClient(baseUrl: string) {
  async function call<T = any>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (body !== undefined && options.rawBody === undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey === true ? randomUUID() : options.idempotencyKey;
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (e.g. /metrics); the raw text is returned.
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }
  return {
    call,
    get: <T = any>(path: string, options?: CallOptions) => call<T>('GET', path, undefined, options),
    post: <T = any>(path: string, body: unknown, options?: CallOptions) => call<T>('POST', path, body, options),
    put: <T = any>(path: string, body: unknown, options?: CallOptions) => call<T>('PUT', path, body, options),
    delete: <T = any>(path: string, options?: CallOptions) => call<T>('DELETE', path, undefined, options),
  };
}

export type HttpClient = ReturnType<typeof httpClient>;

/** Signs a number in the way a person does: ask for a code, read it from the dev outbox, log in. */
export async function signIn(client: HttpClient, phone: string): Promise<{ token: string; userId: string }> {
  const sent = await client.post('/api/v1/auth/sms-code', { phone });
  if (sent.status !== 200) throw new Error(`sms-code for ${phone} answered ${sent.status}: ${JSON.stringify(sent.body)}`);
  const outbox = await client.get(`/api/v1/dev/outbox?to=${phone}`);
  const text: string = outbox.body.items[0].text;
  const code = /(\d{6})/.exec(text)![1];
  const login = await client.post('/api/v1/auth/login', { phone, code });
  if (login.status !== 200) throw new Error(`login for ${phone} answered ${login.status}: ${JSON.stringify(login.body)}`);
  return { token: login.body.token, userId: login.body.user.id };
}
