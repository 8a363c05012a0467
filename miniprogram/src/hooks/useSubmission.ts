import { useRef, useState } from 'react';
import { IdempotentAction } from '../api/idempotency';
import { isOutcomeUnknown } from '../api/errors';

/**
 * A data-moving form action: one Idempotency-Key per action, reused when the person taps again
 * after an unknown outcome, and no second request while one is in flight.
 */
export function useSubmission() {
  const action = useRef(new IdempotentAction()).current;
  const [submitting, setSubmitting] = useState(false);

  async function submit<T>(request: unknown, send: (idempotencyKey: string) => Promise<T>): Promise<T> {
    setSubmitting(true);
    try {
      const answer = await send(action.keyFor(request));
      action.settle();
      return answer;
    } catch (failure) {
      if (!isOutcomeUnknown(failure)) action.settle();
      throw failure;
    } finally {
      setSubmitting(false);
    }
  }

  return { submitting, submit };
}
