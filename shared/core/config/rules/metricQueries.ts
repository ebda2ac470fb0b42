/** The rules of metric-math queries (`Metrics`), in an alarm or a customized policy metric. */
import type { Problem } from "../../errors.js";
import { errorAt, type Path } from "../../problems.js";
import type { MetricDataQuery } from "../schema.js";

export function checkQueries(
  queries: readonly MetricDataQuery[],
  path: Path,
  owner: "alarm" | "policy",
): Problem[] {
  const problems: Problem[] = [];
  const ids = new Set<string>();
  queries.forEach((q, i) => {
    if (ids.has(q.Id)) problems.push(errorAt([...path, i, "Id"], `another query has the Id "${q.Id}"`));
    ids.add(q.Id);
    if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
      problems.push(errorAt([...path, i], "give exactly one of MetricStat and Expression"));
    }
  });
  const returning = queries.filter((q) => q.ReturnData !== false);
  if (owner === "alarm" && returning.length !== 1) {
    problems.push(
      errorAt(path, `exactly one query must return data (ReturnData true); ${returning.length} do`),
    );
  }
  return problems;
}
