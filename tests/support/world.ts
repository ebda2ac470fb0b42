/**
 * The simulated world the brain's tests run in: the tests' Virtway configuration on a simulated AWS
 * account (RDS and EC2 Auto Scaling; the native policies when asked), the real SDK clients answered
 * by it, the actuators on those clients, a ledger and a clock the test moves. State changes go
 * through the alarm function's own path, handleAlarmChange.
 */
import { actuatorsOn } from "../../shared/adapters/actuators/actuators.js";
import { createAwsClients } from "../../shared/adapters/aws/clients.js";
import { AwsNativeScaling } from "../../shared/adapters/awsNativeScaling.js";
import { MemoryLedger } from "../../shared/adapters/ledger/memory.js";
import { type AlarmChange, handleAlarmChange } from "../../shared/brain/handleAlarm.js";
import type { ActuatorFor, AppliedChange, ScalingChange } from "../../shared/brain/ports/actuator.js";
import type { Ledger } from "../../shared/brain/ports/ledger.js";
import type { Parameters } from "../../shared/brain/ports/parameters.js";
import type { BrainConfig, Target } from "../../shared/core/config/schema.js";
import { SimulatedAccount, type StartingPoint } from "../../shared/offline/simulation/account.js";
import { simulateNativePolicies } from "../../shared/offline/simulation/nativePolicies.js";
import { virtwayConfig } from "./config.js";

/** Monday 23 November 2026, 19:00 UTC: the Virtway evening. */
export const T0 = Date.parse("2026-11-23T19:00:00.000Z");
/** `s` seconds after 19:00. */
export const at = (s: number) => new Date(T0 + s * 1000);

/** An alarm's state change `s` seconds after 19:00, from the Virtway's account and region. */
export const stateChange = (
  alarmName: string,
  s: number,
  value: number | null,
  state: AlarmChange["state"] = "ALARM",
): AlarmChange => ({
  account: "123456789012",
  region: "eu-west-1",
  alarmName,
  state,
  stateChangedAt: at(s).toISOString(),
  value,
  actionsSuppressedBy: null,
});

export type WorldOptions<L extends Ledger> = {
  /** Default: the tests' Virtway configuration. */
  config?: BrainConfig;
  /** Per target id, its capacity in the account at the start (else its MinCapacity). */
  start?: StartingPoint;
  /** The clock's first reading (default: 19:00). */
  now?: Date;
  /** The ledger the alarms use unless told otherwise (default: one in memory). */
  ledger?: L;
  /**
   * Called before each change the actuators make in the account: to see when it is made, or to
   * answer in its place (a promise that never settles: the invocation died during the call).
   */
  onApply?: (
    target: Target,
    change: ScalingChange,
    /** The change made in the account, as the actuator makes it. */
    apply: () => Promise<AppliedChange>,
  ) => Promise<AppliedChange> | undefined;
  /** Native policies in the account, which the alarms look after (coexistence.ts). */
  native?: boolean;
  /** Where the alarms publish pool sizes (connection budgets); absent: nowhere. */
  parameters?: Parameters;
};

export type SentOptions = {
  /** The clock when the function runs (default: when the change happened). */
  at?: Date;
  /** Default: inv-1, inv-2… */
  invocationId?: string;
  /** This invocation's own ledger: each Lambda container its own client. */
  ledger?: Ledger;
};

/** A fresh world; its clock moves to each state change sent, or to where the test sets it. */
export function simulatedWorld<L extends Ledger = MemoryLedger>(options: WorldOptions<L> = {}) {
  const config = options.config ?? virtwayConfig();
  let now = options.now ?? at(0);
  const account = SimulatedAccount.forConfig(config, () => now, options.start ?? {});
  const clients = createAwsClients({
    region: "eu-west-1",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
  });
  account.attach(clients);
  const onAccount = actuatorsOn(clients);
  const { onApply } = options;
  const actuatorFor: ActuatorFor = !onApply
    ? onAccount
    : (target) => {
        const actuator = onAccount(target);
        return {
          observe: () => actuator.observe(),
          apply: (change) => onApply(target, change, () => actuator.apply(change)) ?? actuator.apply(change),
        };
      };
  const ledger = options.ledger ?? (new MemoryLedger() as Ledger as L);
  const native = options.native ? simulateNativePolicies(account) : null;
  const nativeScaling = native ? new AwsNativeScaling(clients) : null;
  let n = 0;
  /** One state change through the alarm function's path. */
  const alarm = (change: AlarmChange, sent: SentOptions = {}) => {
    now = sent.at ?? new Date(change.stateChangedAt);
    return handleAlarmChange({
      ports: {
        ledger: sent.ledger ?? ledger,
        actuatorFor,
        ...(nativeScaling ? { nativeScaling } : {}),
        ...(options.parameters ? { parameters: options.parameters } : {}),
      },
      config,
      change,
      now,
      invocationId: sent.invocationId ?? `inv-${++n}`,
      initialCapacity: async (t) => (await actuatorFor(t).observe()).capacity,
    });
  };
  /** The calls that change something, from the n-th on. */
  const mutating = (from = 0) =>
    account
      .mutatingCalls()
      .slice(from)
      .map((c) => ({ service: c.service, command: c.command, input: c.input }));
  return {
    config,
    account,
    clients,
    actuatorFor,
    ledger,
    native,
    nativeScaling,
    alarm,
    mutating,
    setNow: (when: Date) => {
      now = when;
    },
  };
}
