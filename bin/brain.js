#!/usr/bin/env node
// The command line runs the TypeScript sources directly (tsx), so it works straight after `npm ci`.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
