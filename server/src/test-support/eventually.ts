/** How often `eventually` looks again. */
const POLL_MS = 25;
/** Default bound on a wait for work done elsewhere (another process, the bot, a job tick). */
const DEFAULT_DEADLINE_MS = 20_000;

type Found<T> = T | undefined | null | false;

/** Polls until `look` finds something, or fails after a bounded wait naming what it waited for. */
export async function eventually<T>(what: string, look: () => Promise<Found<T>> | Found<T>, deadlineMs = DEFAULT_DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const found = await look();
    if (found !== undefined && found !== null && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
