#!/usr/bin/env python3
"""The AWS CLI's output for an existing scaling setup, as fixtures for `import`'s tests.

    python3 scripts/aws-cli-fixtures.py           # writes tests/fixtures/aws-cli/{v1,v2}/*.json
    python3 scripts/aws-cli-fixtures.py --check   # checks the committed fixtures against botocore

Starts moto_server on a free loopback port, creates with boto3 what a user of Aurora and EC2 Auto
Scaling already has (an Aurora cluster's scalable target with step, target-tracking and scheduled
actions; two EC2 groups with step, simple and target-tracking policies; the alarms that name the
policies in their actions; a composite alarm; what `import` cannot carry over: a DynamoDB scalable
target, an alarm that scales nothing, a group's scheduled action), then calls the describe
operations the README lists. The AWS CLI prints botocore's parsed response as JSON, less
ResponseMetadata: timestamps as ISO-8601 in v2 (its default cli_timestamp_format) and as epoch
seconds in v1 where the wire carries them so (the JSON and CBOR protocols). v2/ holds the ISO
form, v1/ the epoch form of every timestamp, the strictest reading of v1.

Every field name of every fixture is checked against the operation's output shape in botocore's
service models, so a name moto invents or misspells cannot pass into the tests.
"""
import datetime
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
import botocore.session

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "aws-cli")
REGION = "eu-west-1"
ACCOUNT = "123456789012"

# file name -> (service, operation)
FIXTURES = {
    "describe-alarms.json": ("cloudwatch", "DescribeAlarms"),
    "describe-scalable-targets.json": ("application-autoscaling", "DescribeScalableTargets"),
    "describe-scaling-policies.json": ("application-autoscaling", "DescribeScalingPolicies"),
    "describe-scheduled-actions.json": ("application-autoscaling", "DescribeScheduledActions"),
    "autoscaling-describe-policies.json": ("autoscaling", "DescribePolicies"),
    "describe-auto-scaling-groups.json": ("autoscaling", "DescribeAutoScalingGroups"),
    "autoscaling-describe-scheduled-actions.json": ("autoscaling", "DescribeScheduledActions"),
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto():
    port = free_port()
    proc = subprocess.Popen(
        ["moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/")
            return proc, endpoint
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    sys.exit("moto_server did not answer within 30 s")


def create_setup(client, composites):
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:virtway-ops"
    """Creates the setup; appends to `composites` the action of the composite alarm."""
    rds, aas, asg, cw = client("rds"), client("application-autoscaling"), client("autoscaling"), client("cloudwatch")
    rds.create_db_cluster(
        DBClusterIdentifier="virtway-aurora",
        Engine="aurora-postgresql",
        MasterUsername="virtway",
        MasterUserPassword="not-a-real-password",
        ServerlessV2ScalingConfiguration={"MinCapacity": 1, "MaxCapacity": 32},
    )
    readers = {"ServiceNamespace": "rds", "ResourceId": "cluster:virtway-aurora", "ScalableDimension": "rds:cluster:ReadReplicaCount"}
    aas.register_scalable_target(**readers, MinCapacity=1, MaxCapacity=8)
    table = {"ServiceNamespace": "dynamodb", "ResourceId": "table/virtway-sessions", "ScalableDimension": "dynamodb:table:WriteCapacityUnits"}
    aas.register_scalable_target(**table, MinCapacity=5, MaxCapacity=100)
    step70 = aas.put_scaling_policy(
        **readers,
        PolicyName="readers-cpu-step-70",
        PolicyType="StepScaling",
        StepScalingPolicyConfiguration={
            "AdjustmentType": "ChangeInCapacity",
            "StepAdjustments": [
                {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 15, "ScalingAdjustment": 1},
                {"MetricIntervalLowerBound": 15, "ScalingAdjustment": 2},
            ],
            "Cooldown": 300,
            "MetricAggregationType": "Average",
        },
    )["PolicyARN"]
    pressure = aas.put_scaling_policy(
        **readers,
        PolicyName="readers-pressure-step",
        PolicyType="StepScaling",
        StepScalingPolicyConfiguration={
            "AdjustmentType": "ChangeInCapacity",
            "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 2}],
            "Cooldown": 300,
        },
    )["PolicyARN"]
    aas.put_scaling_policy(
        **readers,
        PolicyName="readers-cpu-target-30",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 30,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "RDSReaderAverageCPUUtilization"},
            "ScaleOutCooldown": 300,
            "ScaleInCooldown": 600,
        },
    )
    aas.put_scaling_policy(
        **table,
        PolicyName="sessions-writes-target-70",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 70,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "DynamoDBWriteCapacityUtilization"},
        },
    )
    aas.put_scheduled_action(
        **readers,
        ScheduledActionName="readers-evening-floor",
        Schedule="cron(45 18 ? * MON-FRI *)",
        Timezone="Europe/Madrid",
        StartTime=datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc),
        EndTime=datetime.datetime(2027, 3, 31, 22, 0, tzinfo=datetime.timezone.utc),
        ScalableTargetAction={"MinCapacity": 3, "MaxCapacity": 8},
    )

    asg.create_launch_configuration(LaunchConfigurationName="virtway", ImageId="ami-12c6146b", InstanceType="t3.micro")
    for name, min_size, max_size in (("virtway-frontend-php", 2, 20), ("virtway-api-tomcat", 2, 16)):
        asg.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchConfigurationName="virtway",
            MinSize=min_size,
            MaxSize=max_size,
            DesiredCapacity=min_size,
            AvailabilityZones=[f"{REGION}a"],
        )
    def group_policy(**policy):
        """The policy's ARN: AWS's PutScalingPolicy returns it, moto's reply may not, DescribePolicies does."""
        asg.put_scaling_policy(**policy)
        found = asg.describe_policies(AutoScalingGroupName=policy["AutoScalingGroupName"], PolicyNames=[policy["PolicyName"]])
        return found["ScalingPolicies"][0]["PolicyARN"]

    frontend_step = group_policy(
        AutoScalingGroupName="virtway-frontend-php",
        PolicyName="frontend-requests-step",
        PolicyType="StepScaling",
        AdjustmentType="ChangeInCapacity",
        MetricAggregationType="Average",
        EstimatedInstanceWarmup=180,
        StepAdjustments=[
            {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 400, "ScalingAdjustment": 2},
            {"MetricIntervalLowerBound": 400, "ScalingAdjustment": 3},
        ],
    )
    api_simple = group_policy(
        AutoScalingGroupName="virtway-api-tomcat",
        PolicyName="api-requests-simple",
        PolicyType="SimpleScaling",
        AdjustmentType="ChangeInCapacity",
        ScalingAdjustment=2,
        Cooldown=120,
    )
    asg.put_scaling_policy(
        AutoScalingGroupName="virtway-api-tomcat",
        PolicyName="api-cpu-target-70",
        PolicyType="TargetTrackingScaling",
        EstimatedInstanceWarmup=120,
        TargetTrackingConfiguration={
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"},
            "TargetValue": 70,
        },
    )
    asg.put_scheduled_update_group_action(
        AutoScalingGroupName="virtway-frontend-php",
        ScheduledActionName="frontend-weekly-vote",
        Recurrence="0 20 * * 4",
        MinSize=6,
    )

    def reader_cpu(name, threshold, actions):
        cw.put_metric_alarm(
            AlarmName=name,
            AlarmDescription=f"reader CPU over {threshold}%",
            Namespace="AWS/RDS",
            MetricName="CPUUtilization",
            Dimensions=[{"Name": "DBClusterIdentifier", "Value": "virtway-aurora"}, {"Name": "Role", "Value": "READER"}],
            Statistic="Average",
            Period=60,
            EvaluationPeriods=3,
            DatapointsToAlarm=2,
            Threshold=threshold,
            ComparisonOperator="GreaterThanThreshold",
            TreatMissingData="missing",
            AlarmActions=actions,
        )

    reader_cpu("virtway-readers-cpu-high-70", 70, [step70, topic])
    cw.put_metric_alarm(
        AlarmName="virtway-readers-connections-high",
        Namespace="AWS/RDS",
        MetricName="DatabaseConnections",
        Dimensions=[{"Name": "DBClusterIdentifier", "Value": "virtway-aurora"}, {"Name": "Role", "Value": "READER"}],
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=280,
        ComparisonOperator="GreaterThanThreshold",
    )
    cw.put_metric_alarm(
        AlarmName="virtway-readers-latency-high",
        Namespace="AWS/RDS",
        MetricName="ReadLatency",
        Dimensions=[{"Name": "DBClusterIdentifier", "Value": "virtway-aurora"}, {"Name": "Role", "Value": "READER"}],
        ExtendedStatistic="p99",
        Period=60,
        EvaluationPeriods=1,
        Threshold=0.003,
        ComparisonOperator="GreaterThanThreshold",
    )
    # moto does not implement PutCompositeAlarm: the composite is added to DescribeAlarms' output in
    # describe(), with the fields AWS returns for one (checked against botocore's model like the rest).
    # Its action is the topic: a composite alarm's actions cannot name a scaling policy in AWS
    # (PutCompositeAlarm's AlarmActions: SNS, Systems Manager, Lambda), so the step policy on the
    # readers' pressure is named by no alarm.
    composites.append(topic)
    assert pressure
    cw.put_metric_alarm(
        AlarmName="virtway-frontend-requests-high",
        Namespace="AWS/ApplicationELB",
        MetricName="RequestCountPerTarget",
        Dimensions=[{"Name": "TargetGroup", "Value": "targetgroup/virtway-frontend/943f017f100becff"}],
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1800,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[frontend_step],
    )
    cw.put_metric_alarm(
        AlarmName="virtway-api-requests-high",
        Metrics=[
            {
                "Id": "requests",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/ApplicationELB",
                        "MetricName": "RequestCount",
                        "Dimensions": [{"Name": "TargetGroup", "Value": "targetgroup/virtway-api/73e2d6bc24d8a067"}],
                    },
                    "Period": 60,
                    "Stat": "Sum",
                },
                "ReturnData": False,
            },
            {
                "Id": "healthy",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/ApplicationELB",
                        "MetricName": "HealthyHostCount",
                        "Dimensions": [{"Name": "TargetGroup", "Value": "targetgroup/virtway-api/73e2d6bc24d8a067"}],
                    },
                    "Period": 60,
                    "Stat": "Average",
                },
                "ReturnData": False,
            },
            {"Id": "perhost", "Expression": "requests / healthy", "Label": "requests per host", "ReturnData": True},
        ],
        EvaluationPeriods=2,
        Threshold=1800,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[api_simple],
    )
    cw.put_metric_alarm(
        AlarmName="virtway-billing-high",
        Namespace="AWS/Billing",
        MetricName="EstimatedCharges",
        Dimensions=[{"Name": "Currency", "Value": "USD"}],
        Statistic="Maximum",
        Period=21600,
        EvaluationPeriods=1,
        Threshold=1000,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
    )


def composite_alarm(action, now):
    """A composite alarm as DescribeAlarms returns it (CompositeAlarms), in OK since its creation."""
    name = "virtway-readers-pressure"
    return {
        "ActionsEnabled": True,
        "AlarmActions": [action],
        "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}",
        "AlarmConfigurationUpdatedTimestamp": now,
        "AlarmDescription": "connections and latency high together: two readers",
        "AlarmName": name,
        "AlarmRule": 'ALARM("virtway-readers-connections-high") AND ALARM("virtway-readers-latency-high")',
        "InsufficientDataActions": [],
        "OKActions": [],
        "StateReason": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:virtway-readers-latency-high transitioned to OK at Saturday 05 December, 2026 22:00:00 UTC",
        "StateReasonData": json.dumps({"triggeringAlarms": []}),
        "StateUpdatedTimestamp": now,
        "StateValue": "OK",
        "StateTransitionedTimestamp": now,
        "ActionsSuppressedBy": "None",
        "ActionsSuppressedReason": "",
        "ActionsSuppressor": "virtway-readers-cpu-high-70",
        "ActionsSuppressorWaitPeriod": 120,
        "ActionsSuppressorExtensionPeriod": 180,
    }


def describe(client, composites):
    calls = {
        "describe-alarms.json": lambda: client("cloudwatch").describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"]),
        "describe-scalable-targets.json": lambda: client("application-autoscaling").describe_scalable_targets(ServiceNamespace="rds"),
        "describe-scaling-policies.json": lambda: client("application-autoscaling").describe_scaling_policies(ServiceNamespace="rds"),
        "describe-scheduled-actions.json": lambda: client("application-autoscaling").describe_scheduled_actions(ServiceNamespace="rds"),
        "autoscaling-describe-policies.json": lambda: client("autoscaling").describe_policies(),
        "describe-auto-scaling-groups.json": lambda: client("autoscaling").describe_auto_scaling_groups(),
        "autoscaling-describe-scheduled-actions.json": lambda: client("autoscaling").describe_scheduled_actions(),
    }
    out = {name: call() for name, call in calls.items()}
    # The DynamoDB table's target and policy: a second call, as a user describing every namespace would.
    aas = client("application-autoscaling")
    out["describe-scalable-targets.json"]["ScalableTargets"] += aas.describe_scalable_targets(ServiceNamespace="dynamodb")["ScalableTargets"]
    out["describe-scaling-policies.json"]["ScalingPolicies"] += aas.describe_scaling_policies(ServiceNamespace="dynamodb")["ScalingPolicies"]
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    out["describe-alarms.json"]["CompositeAlarms"] = [composite_alarm(arn, now) for arn in composites]
    for response in out.values():
        response.pop("ResponseMetadata", None)
    return out


def printed(value, epoch):
    """The CLI's JSON: v2 prints datetimes as ISO-8601, v1 (the strictest reading) as epoch seconds."""
    if isinstance(value, datetime.datetime):
        return value.timestamp() if epoch else value.isoformat()
    if isinstance(value, dict):
        return {k: printed(v, epoch) for k, v in value.items()}
    if isinstance(value, list):
        return [printed(v, epoch) for v in value]
    return value


def unknown_fields(value, shape, path="$"):
    """Every field name in `value` that `shape` (a botocore output shape) does not have."""
    if shape.type_name == "structure":
        found = []
        for key, v in value.items():
            if key not in shape.members:
                found.append(f"{path}.{key}")
            else:
                found += unknown_fields(v, shape.members[key], f"{path}.{key}")
        return found
    if shape.type_name == "list":
        return [f for i, v in enumerate(value) for f in unknown_fields(v, shape.member, f"{path}[{i}]")]
    if shape.type_name == "map":
        return [f for k, v in value.items() for f in unknown_fields(v, shape.value, f"{path}.{k}")]
    return []


def check():
    session = botocore.session.get_session()
    problems = []
    count = 0
    for version in ("v1", "v2"):
        for name, (service, operation) in FIXTURES.items():
            file = os.path.join(ROOT, version, name)
            with open(file) as f:
                value = json.load(f)
            shape = session.get_service_model(service).operation_model(operation).output_shape
            problems += [f"{version}/{name}: {p} is not in {service} {operation}'s output" for p in unknown_fields(value, shape)]
            count += 1
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{count} fixtures checked against botocore {botocore.__version__}'s service models: {len(problems)} unknown fields")
    return 1 if problems else 0


def main():
    if "--check" in sys.argv:
        sys.exit(check())
    proc, endpoint = start_moto()
    try:
        session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
        client = lambda name: session.client(name, endpoint_url=endpoint)  # noqa: E731
        composites = []
        create_setup(client, composites)
        responses = describe(client, composites)
    finally:
        proc.terminate()
        proc.wait()
    for version, epoch in (("v1", True), ("v2", False)):
        os.makedirs(os.path.join(ROOT, version), exist_ok=True)
        for name, response in responses.items():
            with open(os.path.join(ROOT, version, name), "w") as f:
                json.dump(printed(response, epoch), f, indent=4)
                f.write("\n")
    print(f"wrote {len(responses)} fixtures in v1/ and v2/ under tests/fixtures/aws-cli", file=sys.stderr)
    sys.exit(check())


if __name__ == "__main__":
    main()
