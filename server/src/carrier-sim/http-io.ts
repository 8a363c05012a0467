import { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body the simulator reads; anything longer is answered 413 unread. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface Answer {
  status: number;
  body: unknown;
}

export function errorAnswer(status: number, code: string, message: string): Answer {
  return { status, body: { error: { code, message } } };
}

export type BodyRead = { ok: true; rawBody: string } | { ok: false; answer: Answer };

/** Reads the whole body as UTF-8, refusing (without buffering) anything past MAX_BODY_BYTES. */
export function readBody(req: IncomingMessage): Promise<BodyRead> {
  const tooLarge: BodyRead = { ok: false, answer: errorAnswer(413, 'BODY_TOO_LARGE', `body over ${MAX_BODY_BYTES} bytes`) };
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    return Promise.resolve(tooLarge);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (read: BodyRead): void => {
      if (settled) return;
      settled = true;
      resolve(read);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        settle(tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle({ ok: true, rawBody: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => settle({ ok: false, answer: errorAnswer(400, 'BAD_REQUEST', 'request stream failed') }));
    req.on('aborted', () => settle({ ok: false, answer: errorAnswer(400, 'BAD_REQUEST', 'request aborted') }));
  });
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; answer: Answer };

export function parseJson(rawBody: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(rawBody) as unknown };
  } catch {
    return { ok: false, answer: errorAnswer(400, 'INVALID_JSON', 'the body is not JSON') };
  }
}

/**
 * Writes an answer unless the client is already gone (a held or delayed answer may outlive it).
 * `signatureFor` sees the exact bytes sent, at the moment they are sent.
 */
export function sendAnswer(res: ServerResponse, answer: Answer, signatureFor?: (status: number, rawBody: string) => Record<string, string>): void {
  if (res.destroyed || res.writableEnded) return;
  const payload = JSON.stringify(answer.body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...signatureFor?.(answer.status, payload),
  };
  // A 413 leaves the rest of the body unread on the socket; closing it is the only clean way on.
  if (answer.status === 413) headers.connection = 'close';
  res.writeHead(answer.status, headers);
  res.end(payload);
}
