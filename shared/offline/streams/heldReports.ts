/**
 * Reports of input that is not a record, held back until the file's first record is found: a
 * file that turns out not to be a stream at all is then rejected with one message rather than a
 * report a line. Past HOLD_LIMIT they are released anyway, so that a long bad head is not held.
 */
import type { OnSkip, SkippedInput } from "./record.js";

/** Held reports before the first record; beyond this they are released anyway. */
const HOLD_LIMIT = 1000;

export class HeldReports {
  private held: SkippedInput[] | null = [];

  constructor(private readonly onSkip: OnSkip) {}

  /** Whether reports are still held (no record found yet). */
  get holding(): boolean {
    return this.held !== null;
  }

  report(skipped: SkippedInput): void {
    if (this.held === null) {
      this.onSkip(skipped);
      return;
    }
    this.held.push(skipped);
    if (this.held.length >= HOLD_LIMIT) this.release();
  }

  /** Passes on what is held, and every report after it as it comes: a record has been found. */
  release(): void {
    for (const s of this.held ?? []) this.onSkip(s);
    this.held = null;
  }
}
