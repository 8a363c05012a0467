import { IdempotentAction, newIdempotencyKey } from './idempotency';

describe('IdempotentAction', () => {
  function counterKeys() {
    let next = 0;
    return () => `key-${(next += 1)}`;
  }

  it('reuses the key when the same request is retried before a definite answer', () => {
    const action = new IdempotentAction(counterKeys());
    const first = action.keyFor({ toPhone: '13800000002', amountMb: 100 });
    expect(action.keyFor({ toPhone: '13800000002', amountMb: 100 })).toBe(first);
  });

  it('takes a new key once the first action was answered', () => {
    const action = new IdempotentAction(counterKeys());
    const first = action.keyFor({ amountMb: 100 });
    action.settle();
    expect(action.keyFor({ amountMb: 100 })).not.toBe(first);
  });

  it('takes a new key when the request changed, since the service refuses a key with another body', () => {
    const action = new IdempotentAction(counterKeys());
    const first = action.keyFor({ amountMb: 100 });
    expect(action.keyFor({ amountMb: 200 })).not.toBe(first);
  });
});

describe('newIdempotencyKey', () => {
  it('makes distinct keys within the length the service accepts', () => {
    const keys = new Set(Array.from({ length: 100 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key.length).toBeLessThanOrEqual(255);
  });
});
