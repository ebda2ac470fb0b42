/**
 * dynalite, the DynamoDB API in-process, for tests: each caller starts its own in-memory server on
 * a free loopback port, so that tests run in parallel and leave nothing behind. DynamoDB is never
 * mocked. The same starter serves the command line's local default.
 */
export {
  type LocalDynamo as Dynalite,
  localDynamoClient as dynamoClient,
  startDynalite,
} from "../../shared/adapters/ledger/local.js";
