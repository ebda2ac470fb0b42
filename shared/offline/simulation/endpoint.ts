/**
 * The simulated account over HTTP on loopback, for a function's bundle run in its own process
 * (`bench`'s cold starts): its SDK clients, pointed here by AWS_ENDPOINT_URL, send real requests,
 * and the account answers them in the services' own wire protocols. Enough of each for the calls
 * the brain makes:
 * - the Query protocol of RDS and EC2 Auto Scaling: a form body in, XML out
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html), lists wrapped in
 *   `member` elements or, in RDS, in elements named after their item (DBCluster, Tag, …);
 * - the JSON protocol of Application Auto Scaling (1.1) and CloudWatch (1.0): `X-Amz-Target` names
 *   the operation, timestamps are epoch seconds.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { SimulatedAccount } from "./account.js";
import { bodyText, type Loopback, listenOnLoopback } from "./loopback.js";

/** The Query services, by the API version their requests name. */
const QUERY_SERVICES: Record<string, { service: string; xmlns: string }> = {
  "2014-10-31": { service: "RDS", xmlns: "http://rds.amazonaws.com/doc/2014-10-31/" },
  "2011-01-01": { service: "Auto Scaling", xmlns: "http://autoscaling.amazonaws.com/doc/2011-01-01/" },
};

/** The JSON services, by the prefix of their X-Amz-Target. */
const JSON_SERVICES: Record<string, { service: string; contentType: string }> = {
  AnyScaleFrontendService: {
    service: "Application Auto Scaling",
    contentType: "application/x-amz-json-1.1",
  },
  GraniteServiceVersion20100801: { service: "CloudWatch", contentType: "application/x-amz-json-1.0" },
};

/** RDS's lists whose items are named after the item, not `member`. */
const RDS_ITEMS: Record<string, string> = {
  DBClusters: "DBCluster",
  DBClusterMembers: "DBClusterMember",
  DBInstances: "DBInstance",
  DBParameterGroups: "DBParameterGroup",
  TagList: "Tag",
  Tags: "Tag",
  Filters: "Filter",
  Values: "Value",
};

/** CloudWatch's timestamps, in and out of its JSON. */
const TIMESTAMPS = new Set(["StartTime", "EndTime", "Timestamps"]);

export type AccountEndpoint = Loopback;

/** Serves `account()` (read at each request, so that a caller can swap accounts) on 127.0.0.1. */
export async function serveAccount(account: () => SimulatedAccount): Promise<AccountEndpoint> {
  const server: Server = createServer((request, response) => {
    void answer(account(), request, response);
  });
  return listenOnLoopback(server);
}

async function answer(account: SimulatedAccount, request: IncomingMessage, response: ServerResponse) {
  const body = await bodyText(request);
  const target = request.headers["x-amz-target"];
  if (typeof target === "string") answerJson(account, target, body, response);
  else answerQuery(account, body, response);
}

function answerJson(account: SimulatedAccount, target: string, body: string, response: ServerResponse) {
  const [prefix = "", command = ""] = target.split(".");
  const service = JSON_SERVICES[prefix];
  if (!service) return send(response, 400, "text/plain", `unknown X-Amz-Target ${target}`);
  try {
    const input = fromJson(JSON.parse(body || "{}")) as Record<string, unknown>;
    const output = account.answer(service.service, command, input);
    send(response, 200, service.contentType, JSON.stringify(toJson(output)));
  } catch (error) {
    const name = (error as Error).name;
    send(response, 400, service.contentType, JSON.stringify({ __type: name, message: messageOf(error) }));
  }
}

function answerQuery(account: SimulatedAccount, body: string, response: ServerResponse) {
  const form = new URLSearchParams(body);
  const action = form.get("Action") ?? "";
  const service = QUERY_SERVICES[form.get("Version") ?? ""];
  if (!service) return send(response, 400, "text/plain", `unknown Query API version ${form.get("Version")}`);
  const items = service.service === "RDS" ? RDS_ITEMS : {};
  try {
    const output = account.answer(service.service, action, queryInput(form));
    const result = Object.entries(output)
      .map(([key, value]) => xml(key, value, items))
      .join("");
    send(
      response,
      200,
      "text/xml",
      `<${action}Response xmlns="${service.xmlns}"><${action}Result>${result}</${action}Result>` +
        `<ResponseMetadata><RequestId>local</RequestId></ResponseMetadata></${action}Response>`,
    );
  } catch (error) {
    const code = (error as Error).name;
    send(
      response,
      400,
      "text/xml",
      `<ErrorResponse xmlns="${service.xmlns}"><Error><Type>Sender</Type><Code>${code}</Code>` +
        `<Message>${xmlText(messageOf(error))}</Message></Error><RequestId>local</RequestId></ErrorResponse>`,
    );
  }
}

/**
 * A Query form as the input object: `Filters.Filter.1.Values.Value.1` is `Filters[0].Values[0]`
 * (the segment before an index names the list's item and is dropped), numbers and booleans read
 * as such.
 */
export function queryInput(form: URLSearchParams): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, raw] of form) {
    if (key === "Action" || key === "Version") continue;
    const parts = key.split(".");
    const path = parts.filter((_part, i) => !(i > 0 && /^\d+$/.test(parts[i + 1] ?? "")));
    let node: Record<string, unknown> | unknown[] = input;
    path.forEach((part, i) => {
      const slot = /^\d+$/.test(part) ? Number(part) - 1 : part;
      const last = i === path.length - 1;
      const container = node as Record<string | number, unknown>;
      if (last) container[slot] = scalar(raw);
      else {
        container[slot] ??= /^\d+$/.test(path[i + 1] as string) ? [] : {};
        node = container[slot] as Record<string, unknown>;
      }
    });
  }
  return input;
}

const scalar = (raw: string): unknown =>
  /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw === "true" ? true : raw === "false" ? false : raw;

/** One field as Query XML: lists wrapped, their items named by `items` (else `member`). */
function xml(key: string, value: unknown, items: Record<string, string>): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) {
    const item = items[key] ?? "member";
    return `<${key}>${value.map((v) => xml(item, v, items)).join("")}</${key}>`;
  }
  if (value instanceof Date) return `<${key}>${value.toISOString()}</${key}>`;
  if (typeof value === "object") {
    const fields = Object.entries(value).map(([k, v]) => xml(k, v, items));
    return `<${key}>${fields.join("")}</${key}>`;
  }
  return `<${key}>${xmlText(String(value))}</${key}>`;
}

/** JSON's epoch-second timestamps as Dates, for the account. */
function fromJson(value: unknown, key = ""): unknown {
  if (TIMESTAMPS.has(key) && typeof value === "number") return new Date(value * 1000);
  if (Array.isArray(value)) return value.map((v) => fromJson(v));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromJson(v, k)]));
  }
  return value;
}

/** The account's Dates as JSON's epoch seconds. */
function toJson(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const xmlText = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { "content-type": contentType, "x-amzn-requestid": "local" });
  response.end(body);
}
