/** One person's grab, as the summary shows it. */
export interface GrabLine {
  userId: string;
  nickname: string;
  amountMb: number;
}

/** What the bot says about the grabs since its last line: a few names, how many more, what is left. */
export interface GrabSummary {
  named: GrabLine[];
  /** Grabs in this summary beyond the named ones ("等 12 人"). */
  unnamedCount: number;
  /** Shares still in the packet after the newest grab known; null when no grab told it. */
  remainingCount: number | null;
}

export interface SummaryPacerOptions {
  /** At most one summary line per this many ms, so a busy packet does not flood the room. */
  intervalMs: number;
  now: () => number;
  /** How many grabbers a line names before saying "and N more". */
  maxNamed?: number;
}

export const DEFAULT_SUMMARY_MAX_NAMED = 3;
/** No packet has more shares (RED_PACKET_MAX_COUNT is 200); a guard against a runaway event stream. */
const MAX_GRABS_REMEMBERED = 10_000;

/**
 * Paces the live report of one red packet's grabs. The first grab is reported at once; later ones
 * are gathered and reported together no sooner than `intervalMs` after the previous line. The
 * pacer only decides *what* and *when*; the caller owns timers and sending, so a test can drive
 * it with a fake clock.
 */
export class GrabSummaryPacer {
  private readonly pending: GrabLine[] = [];
  private readonly seenUserIds = new Set<string>();
  private remainingCount: number | null = null;
  private lastSummaryAtMs: number | null = null;
  private readonly maxNamed: number;

  constructor(private readonly options: SummaryPacerOptions) {
    if (!(options.intervalMs >= 0)) throw new RangeError(`intervalMs must be >= 0, got ${options.intervalMs}`);
    this.maxNamed = options.maxNamed ?? DEFAULT_SUMMARY_MAX_NAMED;
  }

  /**
   * Notes a grab. The same person is counted once: each user grabs a packet at most once, and the
   * bot may learn of a grab both from its own grab call and from the live event.
   */
  record(grab: GrabLine & { remainingCount?: number }): void {
    // Events may arrive out of order; the smallest remainder is the newest.
    if (grab.remainingCount !== undefined) {
      this.remainingCount = this.remainingCount === null ? grab.remainingCount : Math.min(this.remainingCount, grab.remainingCount);
    }
    if (this.seenUserIds.has(grab.userId) || this.seenUserIds.size >= MAX_GRABS_REMEMBERED) return;
    this.seenUserIds.add(grab.userId);
    this.pending.push({ userId: grab.userId, nickname: grab.nickname, amountMb: grab.amountMb });
  }

  /** Milliseconds until a summary may be said; 0 when it may be said now; null when there is nothing to say. */
  msUntilDue(): number | null {
    if (this.pending.length === 0) return null;
    if (this.lastSummaryAtMs === null) return 0;
    return Math.max(0, this.lastSummaryAtMs + this.options.intervalMs - this.options.now());
  }

  /** The summary to say now, or null when there is nothing new or the last line was too recent. */
  takeDue(): GrabSummary | null {
    if (this.msUntilDue() !== 0) return null;
    return this.take();
  }

  /** Everything not yet said, whatever the pace: for the last word when the packet ends. */
  takeAll(): GrabSummary | null {
    return this.pending.length === 0 ? null : this.take();
  }

  private take(): GrabSummary {
    const grabs = this.pending.splice(0, this.pending.length);
    this.lastSummaryAtMs = this.options.now();
    return {
      named: grabs.slice(0, this.maxNamed),
      unnamedCount: Math.max(0, grabs.length - this.maxNamed),
      remainingCount: this.remainingCount,
    };
  }
}
