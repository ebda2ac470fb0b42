/**
 * Records every call the clients make, as { service, command, input } (the SDK's service id and
 * the operation's name), without changing it: what `invoke --live --json` shows, and what the
 * integration suite checks against AWS's service models.
 */
import type { AwsClients } from "./clients.js";

export type Call = { service: string; command: string; input: unknown };

type InitializeStack = {
  add(
    middleware: (
      next: (args: { input: object }) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: { input: object }) => Promise<unknown>,
    options: { step: "initialize"; name: string; priority: "high" },
  ): void;
};

export function recordCalls(clients: AwsClients, calls: Call[]): void {
  for (const client of Object.values(clients)) {
    const service = (client.config as { serviceId: string }).serviceId;
    (client.middlewareStack as unknown as InitializeStack).add(
      (next, context) => async (args) => {
        calls.push({
          service,
          command: (context.commandName ?? "").replace(/Command$/, ""),
          input: structuredClone(args.input),
        });
        return next(args);
      },
      { step: "initialize", name: "recordCalls", priority: "high" },
    );
  }
}
