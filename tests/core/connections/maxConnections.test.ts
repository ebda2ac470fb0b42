import { describe, expect, it } from "vitest";
import {
  budgetedServerlessMaxConnections,
  maxConnectionsFromMemory,
  maxConnectionsOf,
  serverlessV2MaxConnections,
} from "../../../shared/core/connections/maxConnections.js";

const GiB = 1024 ** 3;

describe("max_connections of Aurora PostgreSQL, as AWS documents it", () => {
  // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Managing.html#AuroraPostgreSQL.Managing.MaxConnections
  it.each([
    ["db.r6g.large", 1722],
    ["db.r6g.xlarge", 3479],
    ["db.r6g.2xlarge", 5000],
    ["db.r5.large", 1600],
    ["db.r5.xlarge", 3300],
    ["db.r4.large", 1600],
    ["db.r4.xlarge", 3200],
    ["db.x2g.large", 3479],
    ["db.t4g.medium", 405],
    ["db.t4g.large", 844],
    ["db.t3.medium", 420],
    ["db.t3.large", 844],
  ])("%s: %i", (DBInstanceClass, expected) => {
    expect(maxConnectionsOf({ DBInstanceClass })).toBe(expected);
  });

  // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html#aurora-serverless-v2.max-connections
  it.each([
    [1, 189],
    [4, 823],
    [8, 1669],
    [16, 3360],
    [32, 5000],
    [64, 5000],
    [128, 5000],
    [256, 5000],
  ])("Serverless v2, maximum %s ACU with a floor of 1 ACU: %i", (MaxCapacity, expected) => {
    expect(serverlessV2MaxConnections({ MinCapacity: 1, MaxCapacity })).toBe(expected);
  });

  it.each([
    // A minimum of 0 or 0.5 ACU caps max_connections at 2,000 (AWS's walkthrough: 0.5–128 → 2000,
    // 0.5–1 → 189, 1–16 → 3360 while 0.5–16 → 2000).
    [0.5, 128, 2000],
    [0.5, 16, 2000],
    [0, 32, 2000],
    [0.5, 1, 189],
    [0.5, 8, 1669],
    [1, 16, 3360],
    [12.5, 80, 5000],
  ])("Serverless v2 %s–%s ACU: %i", (MinCapacity, MaxCapacity, expected) => {
    expect(serverlessV2MaxConnections({ MinCapacity, MaxCapacity })).toBe(expected);
  });

  it("interpolates between AWS's published points, rounding down", () => {
    // Halfway between 8 (1669) and 16 (3360) ACU.
    expect(serverlessV2MaxConnections({ MinCapacity: 2, MaxCapacity: 12 })).toBe(2514);
    expect(serverlessV2MaxConnections({ MinCapacity: 1, MaxCapacity: 2 })).toBe(400);
  });

  it("is LEAST({DBInstanceClassMemory/9531392}, 5000)", () => {
    expect(maxConnectionsFromMemory(15.25 * 1e9)).toBe(1599);
    expect(maxConnectionsFromMemory(16 * GiB)).toBe(1802);
    expect(maxConnectionsFromMemory(512 * GiB)).toBe(5000);
  });

  it("takes a value set in the parameter group over any default, and knows no unknown class", () => {
    expect(maxConnectionsOf({ DBInstanceClass: "db.r6g.large", MaxConnections: 900 })).toBe(900);
    expect(maxConnectionsOf({ DBInstanceClass: "db.r7i.large" })).toBeNull();
    expect(maxConnectionsOf({ DBInstanceClass: "db.serverless" })).toBeNull();
    expect(
      maxConnectionsOf({ DBInstanceClass: "db.serverless", acuRange: { MinCapacity: 2, MaxCapacity: 16 } }),
    ).toBe(3360);
  });

  it("budgets a Serverless v2 reader at the lowest floor the brain may set: raising the floor adds no connections until a restart", () => {
    // The floor moves between 0.5 and 16 ACU; readers that restarted at 0.5 keep 2,000.
    expect(budgetedServerlessMaxConnections(0.5, 32)).toBe(2000);
    expect(budgetedServerlessMaxConnections(1, 32)).toBe(5000);
  });
});
