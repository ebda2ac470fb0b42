import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStreams, type StreamOptions } from "../../../shared/offline/streams/readStream.js";
import type { MetricRecord, SkippedInput } from "../../../shared/offline/streams/record.js";

const dir = mkdtempSync(join(tmpdir(), "brain-streams-"));

/** Writes a file in a temporary folder; lines are joined with newlines. */
export function write(name: string, content: string | string[]): string {
  const file = join(dir, name);
  writeFileSync(file, Array.isArray(content) ? `${content.join("\n")}\n` : content);
  return file;
}

/** Reads files as one recording, collecting the records and the skipped lines. */
export async function read(files: string | string[], options: Omit<StreamOptions, "onSkip"> = {}) {
  const skipped: SkippedInput[] = [];
  const records: MetricRecord[] = [];
  for await (const r of readStreams(Array.isArray(files) ? files : [files], {
    ...options,
    onSkip: (s) => skipped.push(s),
  })) {
    records.push(r);
  }
  return { records, skipped };
}

/** Reads and returns the error thrown, or fails. */
export async function failure(files: string | string[]): Promise<Error> {
  try {
    await read(files);
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the read to fail");
}

export const T0 = Date.UTC(2026, 10, 23, 19, 0);
export const MINUTE = 60_000;

/** A Metric Streams JSON line. */
export function msLine(minute: number, value: number, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    metric_stream_name: "s",
    account_id: "123456789012",
    region: "eu-west-1",
    namespace: "AWS/RDS",
    metric_name: "CPUUtilization",
    dimensions: { DBClusterIdentifier: "virtway-aurora", Role: "READER" },
    timestamp: T0 + minute * MINUTE,
    value: { max: value, min: value, sum: value * 2, count: 2 },
    unit: "Percent",
    ...fields,
  });
}

export const minutes = (records: MetricRecord[]) => records.map((r) => (r.timestamp - T0) / MINUTE);
