#!/usr/bin/env python3
"""Checks recorded SDK requests against AWS's own service models (botocore).

moto accepts some requests that AWS refuses; botocore's models are the ones AWS's SDKs are
generated from. Input: a JSON file holding a list of {"service", "command", "input"}, with the
SDK v3 service id ("RDS", "Auto Scaling", ...) and the operation's name. Prints each problem and
exits 1 when any request does not fit its operation's input shape.
"""
import json
import sys

import botocore.session
from botocore.validate import ParamValidator

SERVICES = {
    "RDS": "rds",
    "Auto Scaling": "autoscaling",
    "Application Auto Scaling": "application-autoscaling",
    "CloudWatch": "cloudwatch",
    "DynamoDB": "dynamodb",
    "SSM": "ssm",
}


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        calls = json.load(handle)
    session = botocore.session.get_session()
    models = {}
    problems = 0
    for index, call in enumerate(calls):
        name = SERVICES.get(call["service"])
        if name is None:
            print(f"call {index}: unknown service {call['service']!r}")
            problems += 1
            continue
        model = models.setdefault(name, session.get_service_model(name))
        try:
            operation = model.operation_model(call["command"])
        except Exception as error:  # botocore raises OperationNotFoundError
            print(f"call {index}: {call['service']} has no operation {call['command']}: {error}")
            problems += 1
            continue
        report = ParamValidator().validate(call["input"], operation.input_shape)
        if report.has_errors():
            print(f"call {index}: {call['service']} {call['command']}: {report.generate_report()}")
            problems += 1
    print(f"{len(calls) - problems} of {len(calls)} requests fit AWS's service models")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
