"""The thing service's deployment template: what cfn-lint cannot tell is intended.

cfn-lint (in the checks) validates the template and its SAM transform; these tests pin the
properties the service relies on: batch item failures reported, each role granting its function
only what it uses, the bus rule routing the service's events to the queue.
"""

from __future__ import annotations

import re
from pathlib import Path

from cfnlint.decode.cfn_yaml import load

PATH = Path(__file__).parents[2] / "examples" / "thing_service" / "template.yaml"
TEMPLATE = load(str(PATH))


def _obj(value: object) -> dict[str, object]:
    assert isinstance(value, dict)
    return value


def _list(value: object) -> list[object]:
    assert isinstance(value, list)
    return value


def _strings(value: object) -> list[str]:
    """An IAM field that is one string or a list of them, as a list."""
    items = [value] if isinstance(value, str) else _list(value)
    assert all(isinstance(item, str) for item in items)
    return [str(item) for item in items]


RESOURCES = _obj(TEMPLATE["Resources"])
GLOBALS = _obj(_obj(TEMPLATE["Globals"])["Function"])


def _props(name: str) -> dict[str, object]:
    return _obj(_obj(RESOURCES[name])["Properties"])


def ref(name: str) -> dict[str, object]:
    return {"Ref": name}


def get_att(name: str, attribute: str) -> dict[str, object]:
    return {"Fn::GetAtt": [name, attribute]}


def _events(function: str) -> dict[str, dict[str, object]]:
    return {name: _obj(event) for name, event in _obj(_props(function)["Events"]).items()}


def _environment(function: str) -> dict[str, object]:
    merged = dict(_obj(_obj(GLOBALS["Environment"])["Variables"]))
    merged.update(_obj(_obj(_props(function)["Environment"])["Variables"]))
    return merged


def _grants(role: str) -> dict[str, list[object]]:
    """What the role's inline policies allow: each action, with the resources it is allowed on."""
    grants: dict[str, list[object]] = {}
    for policy in _list(_props(role)["Policies"]):
        for statement in _list(_obj(_obj(policy)["PolicyDocument"])["Statement"]):
            allowed = _obj(statement)
            assert allowed["Effect"] == "Allow"
            resources = allowed["Resource"]
            for action in _strings(allowed["Action"]):
                grants.setdefault(action, []).extend(
                    resources if isinstance(resources, list) else [resources]
                )
    return grants


def _conditions(role: str, action: str) -> list[object]:
    return [
        _obj(statement).get("Condition")
        for policy in _list(_props(role)["Policies"])
        for statement in _list(_obj(_obj(policy)["PolicyDocument"])["Statement"])
        if action in _strings(_obj(statement)["Action"])
    ]


def test_it_is_a_sam_template() -> None:
    assert TEMPLATE["Transform"] == "AWS::Serverless-2016-10-31"


def test_the_handlers_are_the_thing_service_modules() -> None:
    assert _props("TriggerFunction")["Handler"] == "examples.thing_service.trigger.handler"
    assert _props("ListenerFunction")["Handler"] == "examples.thing_service.listener.handler"


def test_the_runtime_is_python_3_11_or_later() -> None:
    version = re.fullmatch(r"python3\.(\d+)", str(GLOBALS["Runtime"]))
    assert version is not None
    assert int(version.group(1)) >= 11


def test_the_entities_table_is_a_single_table_with_a_stream_and_a_ttl() -> None:
    table = _props("Entities")
    assert table["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}


def test_the_views_table_is_keyed_by_pk_and_sk() -> None:
    assert _props("Views")["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]


def test_both_event_source_mappings_report_batch_item_failures() -> None:
    mappings = {
        (function, _obj(event)["Type"]): _obj(_obj(event)["Properties"])
        for function in ("TriggerFunction", "ListenerFunction")
        for event in _events(function).values()
    }
    assert sorted(mappings) == [("ListenerFunction", "SQS"), ("TriggerFunction", "DynamoDB")]
    for mapping in mappings.values():
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_trigger_reads_the_entities_stream_with_bounded_retries_and_a_dlq() -> None:
    [stream] = [_obj(event["Properties"]) for event in _events("TriggerFunction").values()]
    assert stream["Stream"] == get_att("Entities", "StreamArn")
    assert stream["BisectBatchOnFunctionError"] is False
    retries = stream["MaximumRetryAttempts"]
    assert isinstance(retries, int)
    assert 0 <= retries <= 10
    assert stream["DestinationConfig"] == {
        "OnFailure": {"Destination": get_att("DeadLetterQueue", "Arn")}
    }


def test_the_listener_reads_the_queue() -> None:
    [queue] = [_obj(event["Properties"]) for event in _events("ListenerFunction").values()]
    assert queue["Queue"] == get_att("Queue", "Arn")


def test_the_functions_are_configured_by_the_library_variables() -> None:
    shared = {
        "BUS_NAME": ref("Bus"),
        "BUS_SRC": ref("Service"),
        "SERVICE": ref("Service"),
        "STAGE": ref("Stage"),
        "REPORT_BATCH_ITEM_FAILURES": "true",
    }
    assert _environment("TriggerFunction") == {**shared, "ENTITY_TABLE_NAME": ref("Entities")}
    view = {"Fn::Sub": "${Service}-view"}
    assert _environment("ListenerFunction") == {
        **shared,
        "SERVICE": view,
        "BUS_SRC": view,
        "ENTITY_TABLE_NAME": ref("Views"),
    }


def test_each_function_has_its_own_role_and_no_policies_from_sam() -> None:
    # with Policies (or no Role), SAM would make a role with its broad managed policies
    for function, role in (
        ("TriggerFunction", "TriggerRole"),
        ("ListenerFunction", "ListenerRole"),
    ):
        assert _props(function)["Role"] == get_att(role, "Arn")
        assert "Policies" not in _props(function)
        assert "ManagedPolicyArns" not in _props(role)


def test_the_trigger_reads_its_stream_and_puts_events_on_the_bus_only() -> None:
    stream = [get_att("Entities", "StreamArn")]
    logs = [get_att("TriggerLogGroup", "Arn")]
    assert _grants("TriggerRole") == {
        "logs:CreateLogStream": logs,
        "logs:PutLogEvents": logs,
        "dynamodb:DescribeStream": stream,
        "dynamodb:GetRecords": stream,
        "dynamodb:GetShardIterator": stream,
        "dynamodb:ListStreams": stream,
        "events:PutEvents": [get_att("Bus", "Arn")],
        "sqs:SendMessage": [get_att("DeadLetterQueue", "Arn")],  # the stream's failed batches
    }


def test_the_listener_consumes_its_queue_updates_its_view_and_puts_faults_only() -> None:
    queue = [get_att("Queue", "Arn")]
    logs = [get_att("ListenerLogGroup", "Arn")]
    assert _grants("ListenerRole") == {
        "logs:CreateLogStream": logs,
        "logs:PutLogEvents": logs,
        "sqs:ReceiveMessage": queue,
        "sqs:DeleteMessage": queue,
        "sqs:GetQueueAttributes": queue,
        "dynamodb:UpdateItem": [get_att("Views", "Arn")],
        "events:PutEvents": [get_att("Bus", "Arn")],
    }


def test_the_events_a_function_may_put_are_the_services_and_the_listeners_only_faults() -> None:
    assert _conditions("TriggerRole", "events:PutEvents") == [
        {"StringEquals": {"events:source": ref("Service")}}
    ]
    assert _conditions("ListenerRole", "events:PutEvents") == [
        {
            "StringEquals": {
                "events:source": {"Fn::Sub": "${Service}-view"},
                "events:detail-type": "fault",
            }
        }
    ]


def test_the_bus_rule_routes_the_services_thing_events_to_the_queue() -> None:
    rule = _props("ThingEventsRule")
    assert rule["EventBusName"] == ref("Bus")
    assert rule["EventPattern"] == {
        "source": [ref("Service")],
        "detail-type": [{"prefix": "thing-"}],
    }
    assert [_obj(target)["Arn"] for target in _list(rule["Targets"])] == [get_att("Queue", "Arn")]


def test_only_the_rule_may_send_to_the_queue() -> None:
    policy = _props("QueuePolicy")
    assert policy["Queues"] == [ref("Queue")]
    [statement] = _list(_obj(policy["PolicyDocument"])["Statement"])
    assert statement == {
        "Sid": "ThingEventsRuleSends",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": get_att("Queue", "Arn"),
        "Condition": {"ArnEquals": {"aws:SourceArn": get_att("ThingEventsRule", "Arn")}},
    }


def test_messages_that_keep_failing_go_to_the_dlq() -> None:
    queue = _props("Queue")
    assert _obj(queue["RedrivePolicy"])["deadLetterTargetArn"] == get_att("DeadLetterQueue", "Arn")
    visibility, timeout = queue["VisibilityTimeout"], GLOBALS["Timeout"]
    assert isinstance(visibility, int)
    assert isinstance(timeout, int)
    assert visibility >= timeout  # else Lambda refuses the mapping


def test_the_stage_is_a_parameter_and_the_names_are_outputs() -> None:
    assert "Stage" in _obj(TEMPLATE["Parameters"])
    assert set(_obj(TEMPLATE["Outputs"])) == {
        "EntitiesTableName",
        "EntitiesStreamArn",
        "ViewsTableName",
        "BusName",
        "QueueUrl",
        "DeadLetterQueueUrl",
        "TriggerFunctionName",
        "ListenerFunctionName",
    }
