import { GetParametersCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { SsmParameters } from "../../shared/adapters/ssmParameters.js";
import { parameterChanges } from "../../shared/core/connections/parameters.js";

const client = new SSMClient({
  region: "eu-west-1",
  credentials: { accessKeyId: "x", secretAccessKey: "y" },
});
const ssm = mockClient(client);
beforeEach(() => ssm.reset());

describe("SSM Parameter Store behind the parameter port", () => {
  it("reads ten names a call, as GetParameters takes, and leaves out those never written", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `/surge-brain/connections/db/g${i}/pool-size`);
    ssm.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({
      Parameters: input.Names.filter((n) => n !== names[3]).map((Name) => ({
        Name,
        Value: "7",
        Type: "String",
      })),
      InvalidParameters: input.Names.filter((n) => n === names[3]),
    }));
    const values = await new SsmParameters(client).read(names);
    expect(ssm.commandCalls(GetParametersCommand).map((c) => c.args[0].input)).toEqual([
      { Names: names.slice(0, 10) },
      { Names: names.slice(10) },
    ]);
    expect(values.size).toBe(11);
    expect(values.has(names[3] as string)).toBe(false);
  });

  it("writes a String that overwrites, with its description", async () => {
    ssm.on(PutParameterCommand).resolves({ Version: 2 });
    await new SsmParameters(client).write({
      name: "/surge-brain/connections/virtway-aurora/virtway-api/pool-size",
      value: "50",
      description: "pool",
    });
    expect(ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input)).toEqual([
      {
        Name: "/surge-brain/connections/virtway-aurora/virtway-api/pool-size",
        Value: "50",
        Type: "String",
        Overwrite: true,
        Description: "pool",
      },
    ]);
  });
});

describe("what to write", () => {
  const now = new Date("2026-11-23T19:09:00.000Z");
  const pools = [{ target: "api", poolSize: 50, overBudget: false }];

  it("everything the first time", () => {
    expect(
      parameterChanges({ cluster: "db", pools, availableReaders: 2, now, current: new Map() }).map((p) => [
        p.name,
        p.value,
      ]),
    ).toEqual([
      ["/surge-brain/connections/db/api/pool-size", "50"],
      ["/surge-brain/connections/db/readers", '{"availableReaders":2,"since":"2026-11-23T19:09:00.000Z"}'],
    ]);
  });

  it("nothing that did not change: the signal keeps its time while the readers are the same", () => {
    const current = new Map([
      ["/surge-brain/connections/db/api/pool-size", "50"],
      ["/surge-brain/connections/db/readers", '{"availableReaders":2,"since":"2026-11-23T19:00:00.000Z"}'],
    ]);
    expect(parameterChanges({ cluster: "db", pools, availableReaders: 2, now, current })).toEqual([]);
  });

  it("a new reader available is the rebalance signal: a new time", () => {
    const current = new Map([
      ["/surge-brain/connections/db/api/pool-size", "50"],
      ["/surge-brain/connections/db/readers", '{"availableReaders":1,"since":"2026-11-23T19:00:00.000Z"}'],
    ]);
    expect(
      parameterChanges({ cluster: "db", pools, availableReaders: 2, now, current }).map((p) => p.value),
    ).toEqual(['{"availableReaders":2,"since":"2026-11-23T19:09:00.000Z"}']);
  });

  it("a signal that is not the brain's JSON is written again", () => {
    const current = new Map([["/surge-brain/connections/db/readers", "garbage"]]);
    expect(
      parameterChanges({ cluster: "db", pools: [], availableReaders: 1, now, current }).map((p) => p.name),
    ).toEqual(["/surge-brain/connections/db/readers"]);
  });
});
