/** What most tests check of a decision, by name: its target, its status, its reason and its capacities. */
export const decisionSummary = (d: {
  target: string | null;
  status?: string;
  reason: string;
  from?: number;
  to?: number;
}) => ({ target: d.target, status: d.status, reason: d.reason, from: d.from, to: d.to });
