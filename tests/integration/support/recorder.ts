/**
 * A recording proxy on loopback in front of moto_server: every request the command line sends goes
 * through it unchanged, and is noted as the service (its SigV4 signing name, as the SDK's service
 * id) and the operation (X-Amz-Target, the Smithy RPC v2 path, or the Query protocol's Action).
 * The JSON body of a DynamoDB request is kept as its input: the wire shape is the service model's
 * own, so botocore can check the ledger's traffic, which `--json` leaves out.
 */
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export type WireRequest = { service: string; command: string; input: Record<string, unknown> | null };

export type Recorder = { endpoint: string; requests: WireRequest[]; stop(): Promise<void> };

/** SigV4 signing names → the SDK v3 service ids that `--json` names. */
const SERVICES: Record<string, string> = {
  rds: "RDS",
  autoscaling: "Auto Scaling",
  "application-autoscaling": "Application Auto Scaling",
  monitoring: "CloudWatch",
  dynamodb: "DynamoDB",
  ssm: "SSM",
};

function describe(headers: Record<string, string | string[] | undefined>, path: string, body: Buffer) {
  const auth = String(headers.authorization ?? "");
  const signingName = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1] ?? "unknown";
  const service = SERVICES[signingName] ?? signingName;
  const target = headers["x-amz-target"];
  let command = "unknown";
  if (typeof target === "string") command = target.slice(target.lastIndexOf(".") + 1);
  else {
    const rpcV2 = /\/operation\/([A-Za-z0-9]+)$/.exec(path);
    if (rpcV2?.[1]) command = rpcV2[1];
    else command = new URLSearchParams(body.toString("utf8")).get("Action") ?? "unknown";
  }
  const input =
    service === "DynamoDB" && body.length > 0
      ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>)
      : null;
  return { service, command, input };
}

export async function startRecorder(upstream: string): Promise<Recorder> {
  const to = new URL(upstream);
  const requests: WireRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (c: Buffer) => chunks.push(c));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = incoming.url ?? "/";
      requests.push(describe(incoming.headers, path, body));
      const forwarded = request(
        { host: to.hostname, port: to.port, method: incoming.method, path, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on("error", (error) => {
        outgoing.writeHead(502);
        outgoing.end(String(error));
      });
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
