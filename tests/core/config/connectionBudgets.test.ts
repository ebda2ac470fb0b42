import { describe, expect, it } from "vitest";
import { validateConfig } from "../../../shared/core/config/validate.js";
import { resolveBudget } from "../../../shared/core/connections/budgets.js";
import { virtwayJson } from "../../support/config.js";

/** The tests' Virtway configuration with a connection budget on its cluster, changed by `edit`. */
function withBudget(edit: (budget: any, config: any) => void = () => {}): any {
  const config = virtwayJson();
  const budget = {
    DBClusterIdentifier: "virtway-aurora",
    ReservedConnections: 10,
    DBProxy: { DBProxyName: "virtway-proxy", ConnectionPoolConfiguration: { MaxConnectionsPercent: 40 } },
    groups: [
      { target: "virtway-api", via: "proxy", maxPoolSize: 150, minPoolSize: 50 },
      { target: "virtway-frontend", via: "reader-endpoint", maxPoolSize: 20 },
    ],
  };
  config.connectionBudgets = [budget];
  edit(budget, config);
  return config;
}

const errors = (raw: unknown) => {
  const result = validateConfig(raw);
  return result.problems.map((p) => ({ path: p.path, severity: p.severity, message: p.message }));
};

describe("validate: connectionBudgets", () => {
  it("accepts a budget, derives max_connections from the ACU floor's range, and keeps configurations without one valid", () => {
    const result = validateConfig(withBudget());
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const budget = result.config.connectionBudgets?.[0];
    expect(budget?.DBProxy?.ConnectionPoolConfiguration.MaxConnectionsPercent).toBe(40);
    // Floor 1–32 ACU: 5,000 per reader; 40 % to the proxy, 10 reserved, the rest direct.
    const resolved = resolveBudget(result.config, budget as never);
    expect(resolved.perReader).toEqual({ maxConnections: 5000, proxy: 2000, direct: 2990 });
    expect(validateConfig(virtwayJson()).ok).toBe(true);
  });

  it("derives from the readers' class, or the value the parameter group sets", () => {
    const config = withBudget((_b, c) => {
      c.targets[0].DBInstanceClass = "db.r6g.large";
    });
    const result = validateConfig(config);
    expect(
      result.ok && resolveBudget(result.config, result.config.connectionBudgets?.[0] as never).maxConnections,
    ).toBe(1722);
    const set = validateConfig(withBudget((b) => (b.MaxConnections = 900)));
    expect(
      set.ok && resolveBudget(set.config, set.config.connectionBudgets?.[0] as never).maxConnections,
    ).toBe(900);
  });

  it.each([
    {
      name: "a group that is no target",
      edit: (b: any) => (b.groups[0].target = "nobody"),
      path: "$.connectionBudgets[0].groups[0].target",
      message: /no target has the id "nobody"/,
    },
    {
      name: "a group that is no asg",
      edit: (b: any) => (b.groups[0].target = "virtway-readers"),
      path: "$.connectionBudgets[0].groups[0].target",
      message: /aurora-readers target: only asg groups/,
    },
    {
      name: "a proxy percentage outside AWS's 1–100",
      edit: (b: any) => (b.DBProxy.ConnectionPoolConfiguration.MaxConnectionsPercent = 120),
      path: "$.connectionBudgets[0].DBProxy.ConnectionPoolConfiguration.MaxConnectionsPercent",
      message: /100/,
    },
    {
      name: "idle connections above the maximum",
      edit: (b: any) => (b.DBProxy.ConnectionPoolConfiguration.MaxIdleConnectionsPercent = 50),
      path: "$.connectionBudgets[0].DBProxy.ConnectionPoolConfiguration.MaxIdleConnectionsPercent",
      message: /above MaxConnectionsPercent \(40\)/,
    },
    {
      name: "a group through a proxy the budget does not have",
      edit: (b: any) => delete b.DBProxy,
      path: "$.connectionBudgets[0].groups[0].via",
      message: /has no DBProxy/,
    },
    {
      name: "a reserve that leaves no room",
      edit: (b: any) => (b.ReservedConnections = 5000),
      path: "$.connectionBudgets[0].ReservedConnections",
      message: /leaves no room in a reader's 5000 connections/,
    },
    {
      name: "a cluster whose readers the brain does not scale",
      edit: (b: any) => (b.DBClusterIdentifier = "other-db"),
      path: "$.connectionBudgets[0].DBClusterIdentifier",
      message: /no aurora-readers target scales the readers of "other-db"/,
    },
    {
      name: "a class whose max_connections AWS does not publish",
      edit: (b: any) => (b.DBInstanceClass = "db.r7i.large"),
      path: "$.connectionBudgets[0]",
      message: /cannot be derived: say "MaxConnections"/,
    },
    {
      name: "a minimum pool above the maximum",
      edit: (b: any) => (b.groups[0].minPoolSize = 200),
      path: "$.connectionBudgets[0].groups[0].minPoolSize",
      message: /200 is above maxPoolSize \(150\)/,
    },
    {
      name: "a group connected twice",
      edit: (b: any) => b.groups.push({ target: "virtway-api", via: "reader-endpoint", maxPoolSize: 5 }),
      path: "$.connectionBudgets[0].groups[2].target",
      message: /already connects to virtway-aurora/,
    },
    {
      name: "groups whose MinCapacity cannot fit even the most readers",
      edit: (b: any) => (b.MaxConnections = 20),
      path: "$.connectionBudgets[0].groups[0]",
      message: /does not fit the budget even with 8 readers of 20 connections/,
    },
  ])("refuses $name", ({ edit, path, message }) => {
    const found = errors(withBudget(edit)).filter((p) => p.severity === "error");
    expect(found.map((p) => p.path)).toContain(path);
    expect(found.find((p) => p.path === path)?.message).toMatch(message);
  });

  it("warns of a reserve under AWS's 3", () => {
    const result = validateConfig(withBudget((b) => (b.ReservedConnections = 1)));
    expect(result.ok).toBe(true);
    expect(result.problems.map((p) => p.message)).toEqual([expect.stringMatching(/at least 3 connections/)]);
  });
});
