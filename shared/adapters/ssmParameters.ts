/**
 * The parameter port on SSM Parameter Store: GetParameters (at most 10 names a call) and
 * PutParameter of a `String` that overwrites
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
 */
import { GetParametersCommand, PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { Parameters } from "../brain/ports/parameters.js";
import type { WantedParameter } from "../core/connections/parameters.js";

/** GetParameters takes at most 10 names. */
const NAMES_PER_CALL = 10;

export class SsmParameters implements Parameters {
  constructor(private readonly ssm: SSMClient) {}

  async read(names: readonly string[]): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    for (let i = 0; i < names.length; i += NAMES_PER_CALL) {
      const out = await this.ssm.send(
        new GetParametersCommand({ Names: names.slice(i, i + NAMES_PER_CALL) }),
      );
      for (const p of out.Parameters ?? []) if (p.Name && p.Value !== undefined) values.set(p.Name, p.Value);
    }
    return values;
  }

  async write(parameter: WantedParameter): Promise<void> {
    await this.ssm.send(
      new PutParameterCommand({
        Name: parameter.name,
        Value: parameter.value,
        Type: "String",
        Overwrite: true,
        Description: parameter.description,
      }),
    );
  }
}
