// `npm run test:aws`: the integration suite against moto_server (Python's moto, an AWS emulator on
// loopback), with every request also checked against AWS's service models (botocore).
import { spawnSync } from "node:child_process";

const missing = [];
if (spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status !== 0)
  missing.push("moto_server (pip install 'moto[server]')");
if (spawnSync("python3", ["-c", "import botocore"], { stdio: "ignore" }).status !== 0)
  missing.push("python3 with botocore (pip install botocore)");
if (spawnSync("aws", ["--version"], { stdio: "ignore" }).status !== 0)
  missing.push("the AWS CLI, for the README's live quick start (pip install awscli)");
if (missing.length > 0) {
  console.error(`test:aws needs ${missing.join(" and ")}, which this machine does not have.`);
  process.exit(1);
}
const run = spawnSync("npx", ["vitest", "run", "--config", "vitest.integration.config.ts"], {
  stdio: "inherit",
});
process.exit(run.status ?? 1);
