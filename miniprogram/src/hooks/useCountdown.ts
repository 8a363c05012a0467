import { useEffect, useState } from 'react';

/** Seconds left until an action may be repeated (resending an SMS code); 0 when it may. */
export function useCountdown(): { secondsLeft: number; start: (seconds: number) => void } {
  const [secondsLeft, setSecondsLeft] = useState(0);
  useEffect(() => {
    if (secondsLeft <= 0) return undefined;
    const timer = setTimeout(() => setSecondsLeft((left) => Math.max(0, left - 1)), 1000);
    return () => clearTimeout(timer);
  }, [secondsLeft]);
  return { secondsLeft, start: (seconds) => setSecondsLeft(Math.max(0, Math.floor(seconds))) };
}
