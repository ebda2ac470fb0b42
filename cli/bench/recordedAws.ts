/**
 * AWS answered in the cold-start child's own process. A warm run of each function's first event
 * sends its requests through a recording proxy (node:http) in front of dynalite and the simulated
 * account; the measured child then starts a node:http server of its own before it imports the
 * bundle, and answers each request from that recording, matched by method, path, X-Amz-Target and
 * body (timestamps and random ids aside: the clock has moved on since the recording, and
 * the ledger's write tokens are random). A request not in the
 * recording ends the child at once, loudly, and so does a recorded request never sent: the
 * recording is exactly the exchanges one first event needs.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import { bodyText, listenOnLoopback } from "../../shared/offline/simulation/loopback.js";

/** One request and its answer, as the SDK sent and read them. */
export type Exchange = {
  method: string;
  path: string;
  target: string;
  body: string;
  status: number;
  headers: Record<string, string>;
  response: string;
};

export type RecordingProxy = {
  /** The one endpoint for every service: DynamoDB's requests (by X-Amz-Target) go to dynalite. */
  endpoint: string;
  /** Empties the recording and returns what it held. */
  take(): Exchange[];
  stop(): Promise<void>;
};

/** The response headers a replay gives back: the framing is the replaying server's own. */
const HOP_HEADERS = new Set(["connection", "content-length", "date", "keep-alive", "transfer-encoding"]);

/** A proxy recording each exchange: DynamoDB's (X-Amz-Target `DynamoDB_…`) to `dynamodb`, the rest to `aws`. */
export async function recordingProxy(upstreams: { dynamodb: string; aws: string }): Promise<RecordingProxy> {
  let exchanges: Exchange[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    void (async () => {
      const body = await bodyText(incoming);
      const target = String(incoming.headers["x-amz-target"] ?? "");
      const upstream = new URL(target.startsWith("DynamoDB_") ? upstreams.dynamodb : upstreams.aws);
      const answer = await new Promise<{ status: number; headers: Record<string, string>; body: string }>(
        (resolve, reject) => {
          const forwarded = httpRequest(
            {
              host: upstream.hostname,
              port: upstream.port,
              method: incoming.method,
              path: incoming.url,
              headers: { ...incoming.headers, host: upstream.host },
            },
            (response) => {
              void bodyText(response).then(
                (responseBody) =>
                  resolve({
                    status: response.statusCode ?? 500,
                    headers: Object.fromEntries(
                      Object.entries(response.headers)
                        .filter(([name]) => !HOP_HEADERS.has(name))
                        .map(([name, value]) => [name, String(value)]),
                    ),
                    body: responseBody,
                  }),
                reject,
              );
            },
          );
          forwarded.once("error", reject);
          forwarded.end(body);
        },
      );
      exchanges.push({
        method: incoming.method ?? "GET",
        path: incoming.url ?? "/",
        target,
        body,
        status: answer.status,
        headers: answer.headers,
        response: answer.body,
      });
      outgoing.writeHead(answer.status, answer.headers);
      outgoing.end(answer.body);
    })().catch((error: Error) => {
      outgoing.writeHead(502, { "content-type": "text/plain" });
      outgoing.end(`recording proxy: ${error.message}`);
    });
  });
  const { endpoint, stop } = await listenOnLoopback(server);
  return {
    endpoint,
    take: () => {
      const taken = exchanges;
      exchanges = [];
      return taken;
    },
    stop,
  };
}

/**
 * The child (plain Node, an ES module): `runner.mjs BUNDLE [EVENT RESULT [RECORDING]]`; without
 * RECORDING (the warm run) its AWS is AWS_ENDPOINT_URL's. With it, it first serves RECORDING on 127.0.0.1 (node:http, loaded before the clock starts
 * on the server's own work, as the bundle's SDK loads it too), points the SDK there, then imports
 * the bundle and handles the event. Its result file holds the handler's result, the requests
 * answered, and `replayServerMs`: the time spent reading the recording and starting to listen,
 * which `bench` takes off the process's time (a function in Lambda has no such server).
 */
export const RUNNER = `const [bundle, eventFile, resultFile, recordingFile] = process.argv.slice(2);
let replay;
if (recordingFile) {
  const { createServer } = await import("node:http");
  const { readFileSync } = await import("node:fs");
  const started = performance.now();
  const stamp = /\\d{4}-\\d\\d-\\d\\dT\\d\\d(?::|%3A)\\d\\d(?::|%3A)\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)|\\b1\\d{9}(?:\\.\\d+|\\d{3})?\\b|\\b\\d{8}t\\d{6}\\b/g;
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const key = (e) => [e.method, e.path, e.target, e.body.replace(stamp, "<time>").replace(uuid, "<uuid>")].join(" ");
  const pending = JSON.parse(readFileSync(recordingFile, "utf8")).map((e) => ({ ...e, key: key(e) }));
  let served = 0;
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const k = key({ method: request.method, path: request.url, target: String(request.headers["x-amz-target"] ?? ""), body });
      const i = pending.findIndex((e) => e.key === k);
      if (i < 0) {
        process.stderr.write("a request not in the recording: " + k.slice(0, 1000) + "\\n");
        process.exit(70);
      }
      const [exchange] = pending.splice(i, 1);
      served++;
      response.writeHead(exchange.status, exchange.headers);
      response.end(exchange.response);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = "http://127.0.0.1:" + server.address().port;
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  replay = { server, pending, served: () => served, ms: performance.now() - started };
}
const { handler } = await import(bundle);
if (eventFile) {
  const { readFileSync, writeFileSync } = await import("node:fs");
  const result = await handler(JSON.parse(readFileSync(eventFile, "utf8")), { awsRequestId: "bench-cold-start", functionName: "bench" });
  replay?.server.closeAllConnections();
  replay?.server.close();
  if (replay && replay.pending.length > 0) {
    process.stderr.write("recorded requests never sent: " + replay.pending.map((e) => e.key.slice(0, 200)).join("; ") + "\\n");
    process.exit(71);
  }
  writeFileSync(resultFile, JSON.stringify({ result, served: replay?.served(), replayServerMs: replay?.ms }));
}
`;
