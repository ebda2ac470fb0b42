/**
 * An HTTP server of the simulation's on 127.0.0.1 (the simulated account's endpoint, `bench`'s
 * recording proxy): listening on a port of the system's choosing, and stopped with its
 * connections, so that a test or a benchmark leaves nothing open.
 */
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";

export type Loopback = { endpoint: string; stop(): Promise<void> };

/** Starts `server` listening on 127.0.0.1: its endpoint, and how to stop it. */
export async function listenOnLoopback(server: Server): Promise<Loopback> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A request's or a response's body, read whole as UTF-8. */
export async function bodyText(stream: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
