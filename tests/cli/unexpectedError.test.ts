/** An unexpected error (a bug) exits 70 (EX_SOFTWARE), apart from bad input (1) and misuse (2). */
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";

describe("an unexpected error", () => {
  it("exits 70 and prints the error with its stack", async () => {
    let err = "";
    const code = await main(["validate", "--config", "brain.config.json"], {
      out: () => {
        throw new TypeError("the terminal went away");
      },
      err: (t) => {
        err += t;
      },
    });
    expect(code).toBe(70);
    expect(err).toMatch(
      /^surge-brain: unexpected error \(a bug, please report it\): TypeError: the terminal went away\n\s+at /,
    );
  });

  it("bad input still exits 1 and misuse 2", async () => {
    const io = { out: () => {}, err: () => {} };
    expect(await main(["validate", "--config", "events/malformed/not-json.txt"], io)).toBe(1);
    expect(await main(["nope"], io)).toBe(2);
  });
});
