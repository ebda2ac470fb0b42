/**
 * Datapoints parked on disk while a get-metric-data document is read. The document gives each
 * series as two arrays (all its Timestamps, then all its Values), newest first by default, so no
 * series can be released in time order before its arrays have been read to their ends. Rather
 * than holding them, the reader writes every number to one temporary file as it parses (8 bytes
 * each), and reads each array back from there, forwards or backwards, one small block at a time.
 * Memory is a write buffer and one read block per array, whatever the size of the document.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One array in the file: where its first number is (bytes) and how many follow. */
export type Segment = { offset: number; count: number };

const BYTES = 8;
const WRITE_BUFFER = 64 * 1024;
/** Numbers per read block: 8 KiB for each array being read. */
const READ_BLOCK = 1024;

export class PointSpill {
  private dir: string | null = null;
  private fd: number | null = null;
  private readonly buffer = Buffer.allocUnsafe(WRITE_BUFFER);
  private buffered = 0;
  private flushed = 0;

  /** The temporary file, once something has been written to it. */
  get file(): string | null {
    return this.dir === null ? null : join(this.dir, "points.f64");
  }

  /** Starts an array at the end of the file. */
  begin(): Segment {
    return { offset: this.flushed + this.buffered, count: 0 };
  }

  /** Appends a number (NaN for a datapoint that is not one) to the array begun last. */
  push(segment: Segment, value: number): void {
    if (this.buffered + BYTES > WRITE_BUFFER) this.flush();
    this.buffer.writeDoubleLE(value, this.buffered);
    this.buffered += BYTES;
    segment.count++;
  }

  /** Reads an array back, `at(i)` for its i-th number; sequential in either direction is cheap. */
  reader(segment: Segment): (i: number) => number {
    this.flush();
    const fd = this.fd;
    const block = Buffer.allocUnsafe(READ_BLOCK * BYTES);
    let first = 0;
    let end = 0;
    return (i) => {
      if (i < first || i >= end) {
        // Read towards the direction of travel, so that a backwards walk loads each block once.
        const forward = i >= end;
        first = forward ? i : Math.max(0, i - READ_BLOCK + 1);
        end = Math.min(segment.count, first + READ_BLOCK);
        if (fd === null) throw new Error("the spill file was closed");
        readSync(fd, block, 0, (end - first) * BYTES, segment.offset + first * BYTES);
      }
      return block.readDoubleLE((i - first) * BYTES);
    };
  }

  /** Removes the temporary file. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    if (this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
    this.fd = null;
    this.dir = null;
    open.delete(this);
  }

  private flush(): void {
    if (this.buffered === 0) return;
    if (this.fd === null) {
      this.dir = mkdtempSync(join(tmpdir(), "surge-brain-points-"));
      this.fd = openSync(join(this.dir, "points.f64"), "w+");
      open.add(this);
    }
    writeSync(this.fd, this.buffer, 0, this.buffered, this.flushed);
    this.flushed += this.buffered;
    this.buffered = 0;
  }
}

/**
 * The spills not closed yet: removed when the process exits however it ends (an error, Ctrl-C
 * through the command line's signal handling, a closed pipe), so that no temporary file is left.
 */
const open = new Set<PointSpill>();
process.on("exit", () => {
  for (const spill of open) spill.close();
});
