/**
 * A recorded stream's bytes, as text, wherever they come from. Gzipped files are read through
 * gunzip, told by their first two bytes (1f 8b, RFC 1952) whatever their name: Firehose delivers
 * Metric Streams to S3 gzipped, as several gzip members end to end, which gunzip reads as one.
 * `-` is standard input, copied once to a temporary file (removed at exit), so that it can be
 * looked at for its format and then read, as a file is.
 */
import { createWriteStream, mkdtempSync, readSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";

/** The name that stands for standard input. */
export const STDIN = "-";

const GZIP_MAGIC = [0x1f, 0x8b];

let stdinCopy: Promise<string> | undefined;

/** Standard input, copied whole to a temporary file at first use. */
function copyOfStdin(): Promise<string> {
  stdinCopy ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "surge-brain-stdin-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "stdin");
    await pipeline(process.stdin, createWriteStream(path));
    return path;
  })();
  return stdinCopy;
}

/** The file to read for a name: itself, or the copy of standard input for `-`. */
const pathOf = (file: string): Promise<string> => (file === STDIN ? copyOfStdin() : Promise.resolve(file));

/**
 * The file's content as bytes, decompressed when it is gzip. Throws the file system's error
 * (ENOENT, EISDIR…) when it cannot be opened; a gzip stream that is cut short or corrupt fails
 * while it is read.
 */
export async function openBytes(file: string, highWaterMark = 64 * 1024): Promise<Readable> {
  const handle = await open(await pathOf(file), "r");
  let gzip: boolean;
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    gzip = bytesRead === 2 && magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1];
  } catch (error) {
    await handle.close();
    throw error;
  }
  const raw = handle.createReadStream({ start: 0, highWaterMark });
  if (!gzip) return raw;
  const gunzip = createGunzip({ chunkSize: highWaterMark });
  // An error on either side ends both; the reader sees it on gunzip.
  raw.on("error", (error) => gunzip.destroy(error));
  gunzip.on("close", () => raw.destroy());
  raw.pipe(gunzip);
  return gunzip;
}

/**
 * The blocks readBlocks reads a plain file in. Not larger: a block's text (lines.ts) then stays in
 * V8's young generation, freed as soon as its lines are parsed; larger ones cost more than they save.
 */
export const BLOCK_BYTES = 64 * 1024;

/**
 * The file's content as blocks of bytes, decompressed when it is gzip (openBytes' stream). A plain
 * file is read through its handle a block at a time, each into a new buffer (the caller may keep
 * parts of one), with none of a stream's machinery between the reads and the reader.
 * Throws as openBytes does.
 */
export async function* readBlocks(file: string, blockBytes = BLOCK_BYTES): AsyncGenerator<Buffer> {
  const handle = await open(await pathOf(file), "r");
  let gzip: boolean;
  try {
    // Read at once: a block from the page cache takes microseconds, less than a round trip
    // through libuv's thread pool (which costs a 161 MB recording a few hundred milliseconds).
    const magic = Buffer.alloc(2);
    gzip =
      readSync(handle.fd, magic, 0, 2, 0) === 2 && magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1];
    for (let position = 0; !gzip; ) {
      const block = Buffer.allocUnsafe(blockBytes);
      const bytesRead = readSync(handle.fd, block, 0, blockBytes, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield block.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
  const gunzipped = await openBytes(file);
  try {
    yield* gunzipped as AsyncIterable<Buffer>;
  } finally {
    gunzipped.destroy();
  }
}

/** The file's content as UTF-8 text, decompressed when it is gzip (openBytes). */
export async function openText(file: string, highWaterMark = 64 * 1024): Promise<Readable> {
  return (await openBytes(file, highWaterMark)).setEncoding("utf8");
}

/** A file name without the `.gz` its compression adds (`x.csv.gz` is a CSV). */
export const withoutGz = (file: string): string => file.replace(/\.gz$/i, "");
