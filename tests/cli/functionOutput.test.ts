/**
 * The functions' output while a command runs them (cli/stdout.ts): unwanted, their logs are not
 * even formatted (replay's month is 43,200 ticks), except under `bench`, whose figures include
 * what logging costs a function in Lambda; and the logger's level is put back afterwards.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lambdaContext } from "../../cli/lambdaContext.js";
import { withFunctionOutput, withStdoutDiscarded } from "../../cli/stdout.js";
import { logger } from "../../functions/lib/observability.js";

const levelInside = (run: (work: () => Promise<string>) => Promise<string>) =>
  run(async () => logger.getLevelName());

let own: ReturnType<typeof logger.getLevelName>;
beforeEach(() => {
  own = logger.getLevelName();
  // As in Lambda (the test environment silences Powertools).
  logger.setLogLevel("INFO");
});
afterEach(() => logger.setLogLevel(own));

describe("the functions' logs on the command line", () => {
  it("unwanted: the logger is silent meanwhile, then at its level again", async () => {
    expect(await levelInside((work) => withFunctionOutput(false, work))).toBe("SILENT");
    expect(logger.getLevelName()).toBe("INFO");
  });

  it("unwanted: silent in every invocation, though Powertools resets the level at each, and reset again after", async () => {
    // A function under Powertools' logger middleware, as brainFunction builds them.
    const fn = middy(async () => logger.getLevelName()).use(injectLambdaContext(logger, { resetKeys: true }));
    const invoke = (n: number) => fn({}, lambdaContext("tick", `r${n}`));
    const levels = await withFunctionOutput(false, async () => [
      await invoke(1),
      await invoke(2),
      await invoke(3),
    ]);
    expect(levels).toEqual(["SILENT", "SILENT", "SILENT"]);
    expect(await invoke(4)).toBe("INFO");
  });

  it("under bench: at the logger's own level, formatted as in Lambda, then dropped", async () => {
    expect(await levelInside(withStdoutDiscarded)).toBe("INFO");
    expect(logger.getLevelName()).toBe("INFO");
  });

  it("wanted (--verbose): at LOG_LEVEL", async () => {
    const saved = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = "debug";
    try {
      expect(await levelInside((work) => withFunctionOutput(true, work, () => {}))).toBe("DEBUG");
    } finally {
      if (saved === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = saved;
    }
    expect(logger.getLevelName()).toBe("INFO");
  });
});
