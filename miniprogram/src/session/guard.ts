import { useEffect } from 'react';
import { ApiError, describeFailure, type FailureCode } from '../api/errors';
import { goToSignIn } from '../navigation';
import { useServices } from '../services';

/** False (and on its way to sign-in, to come back to `returnPath`) when nobody is signed in. */
export function useSignedIn(returnPath: string): boolean {
  const { session } = useServices();
  const signedIn = session.readToken() !== null;
  useEffect(() => {
    if (!signedIn) goToSignIn(returnPath);
  }, [signedIn, returnPath]);
  return signedIn;
}

/**
 * The sentence for a failed call; a refused session also sends the person to sign in, to come
 * back to `returnPath` afterwards.
 */
export function failureMessage(error: unknown, returnPath: string, overrides?: Partial<Record<FailureCode, string>>): string {
  if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') goToSignIn(returnPath);
  return describeFailure(error, overrides);
}
