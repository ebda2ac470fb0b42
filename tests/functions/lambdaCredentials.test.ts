/**
 * The functions' credentials in their bundles: the execution role's, from the environment Lambda
 * sets, and a clear error where it holds none (never a reach for profiles or instance metadata).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { defaultProvider } from "../../functions/lib/lambdaCredentials.js";

afterEach(() => vi.unstubAllEnvs());

describe("the functions' credentials", () => {
  it("are the environment's, session token and expiration included", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret");
    vi.stubEnv("AWS_SESSION_TOKEN", "token");
    vi.stubEnv("AWS_CREDENTIAL_EXPIRATION", "2026-12-06T03:00:00Z");
    expect(await defaultProvider({})()).toEqual({
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "secret",
      sessionToken: "token",
      expiration: new Date("2026-12-06T03:00:00Z"),
    });
  });

  it("leave out what the environment does not set", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret");
    vi.stubEnv("AWS_SESSION_TOKEN", "");
    vi.stubEnv("AWS_CREDENTIAL_EXPIRATION", "");
    expect(await defaultProvider()()).toEqual({ accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" });
  });

  it("are refused, naming the variables, where the environment has none", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "");
    await expect(defaultProvider()()).rejects.toThrow(
      /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set/,
    );
  });
});
