import type { Limits } from '@liuliang/shared';
import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import { FALLBACK_LIMITS } from '../forms/limits';
import { useServices } from '../services';

/** One request per client for the whole session: the limits change only with a deployment. */
const asked = new WeakMap<Pick<ApiClient, 'getLimits'>, Promise<Limits>>();
/** The answer once it came: a page opened later in the session starts with it, not the fallback. */
const known = new WeakMap<Pick<ApiClient, 'getLimits'>, Limits>();

/** The limits once, cached for the session; the fallback defaults when the request fails (asked again next time). */
export function loadLimits(api: Pick<ApiClient, 'getLimits'>): Promise<Limits> {
  let limits = asked.get(api);
  if (!limits) {
    limits = api.getLimits().then(
      (answer) => {
        known.set(api, answer);
        return answer;
      },
      () => {
        asked.delete(api);
        return FALLBACK_LIMITS;
      },
    );
    asked.set(api, limits);
  }
  return limits;
}

/**
 * The service's configured limits for a form. Until they arrive (the first page of a session),
 * and if they cannot be had, the fallback defaults: the service checks every request anyway.
 */
export function useLimits(): Limits {
  const { api } = useServices();
  const [limits, setLimits] = useState<Limits>(() => known.get(api) ?? FALLBACK_LIMITS);
  useEffect(() => {
    let current = true;
    loadLimits(api).then((loaded) => {
      if (current && loaded !== limits) setLimits(loaded);
    });
    return () => {
      current = false;
    };
    // Asked once per client; `limits` changes only by this effect's own answer, so it is not a dependency.
  }, [api]);
  return limits;
}
