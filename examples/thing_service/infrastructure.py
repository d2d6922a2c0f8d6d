"""The demo's AWS resources, created on any endpoint (a moto server here), and its writes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3

from examples.thing_service.scenario import Write

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient

SERVICE = "thing-service"
"""The trigger's service: the ``source`` of the domain events, which the bus routes on."""
VIEW_SERVICE = "thing-view"
"""The listener's service: another one, or materialize would drop the events as its own."""
ENTITIES = "Entities"
VIEWS = "Views"
BUS = "thing-bus"


@dataclass(frozen=True, slots=True)
class Resources:
    """Where everything is, and the clients the demo itself uses (`close` them when done)."""

    endpoint_url: str
    stream_arn: str
    events_queue_url: str
    faults_queue_url: str
    dynamodb: DynamoDBClient
    sqs: SQSClient
    events: EventBridgeClient

    def close(self) -> None:
        """Close the clients (and the connections they hold open)."""
        for client in (self.dynamodb, self.sqs, self.events):
            client.close()


def create(session: boto3.Session, endpoint_url: str) -> Resources:
    """The entities table with its stream, the view table, the bus, and two routed queues.

    The bus sends the service's domain events to the listener's queue and every fault event to
    a queue of their own, so the demo can count them.
    """
    dynamodb = session.client("dynamodb", endpoint_url=endpoint_url)
    sqs = session.client("sqs", endpoint_url=endpoint_url)
    events = session.client("events", endpoint_url=endpoint_url)
    keys = {
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
    table = dynamodb.create_table(
        TableName=ENTITIES,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        **keys,  # type: ignore[arg-type]  # the key schema above, shared by both tables
    )
    dynamodb.create_table(TableName=VIEWS, **keys)  # type: ignore[arg-type]  # same schema
    resources = Resources(
        endpoint_url=endpoint_url,
        stream_arn=table["TableDescription"]["LatestStreamArn"],
        events_queue_url=sqs.create_queue(QueueName="thing-events")["QueueUrl"],
        faults_queue_url=sqs.create_queue(QueueName="thing-faults")["QueueUrl"],
        dynamodb=dynamodb,
        sqs=sqs,
        events=events,
    )
    events.create_event_bus(Name=BUS)
    _route(
        resources,
        "domain-events",
        {"source": [SERVICE], "detail-type": [{"prefix": "thing-"}]},
        resources.events_queue_url,
    )
    _route(resources, "fault-events", {"detail-type": ["fault"]}, resources.faults_queue_url)
    return resources


def _route(resources: Resources, rule: str, pattern: dict[str, object], queue_url: str) -> None:
    arn = resources.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    resources.events.put_rule(Name=rule, EventBusName=BUS, EventPattern=json.dumps(pattern))
    resources.events.put_targets(
        Rule=rule,
        EventBusName=BUS,
        Targets=[{"Id": rule, "Arn": arn["Attributes"]["QueueArn"]}],
    )


def apply(dynamodb: DynamoDBClient, write: Write) -> None:
    """One write to the entities table, as the service's commands would make it."""
    key: dict[str, AttributeValueTypeDef] = {"pk": {"S": write.thing_id}, "sk": {"S": "thing"}}
    if write.change == "create":
        dynamodb.put_item(
            TableName=ENTITIES,
            Item={
                **key,
                "discriminator": {"S": "thing"},
                "name": {"S": write.name},
                "status": {"S": write.status},
                "timestamp": {"N": str(write.timestamp)},
            },
        )
        return
    names = {"#name": "name", "#status": "status", "#timestamp": "timestamp"}
    values: dict[str, AttributeValueTypeDef] = {
        ":name": {"S": write.name},
        ":status": {"S": write.status},
        ":timestamp": {"N": str(write.timestamp)},
    }
    expression = "SET #name = :name, #status = :status, #timestamp = :timestamp"
    if write.change == "delete":  # a soft delete: the row stays, flagged
        names["#deleted"] = "deleted"
        values[":deleted"] = {"BOOL": True}
        expression += ", #deleted = :deleted"
    dynamodb.update_item(
        TableName=ENTITIES,
        Key=key,
        UpdateExpression=expression,
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
    )


def read_things(resources: Resources, table: str) -> dict[str, dict[str, object]]:
    """The things of `table`: per id, its name, status and whether it is (softly) deleted."""
    things: dict[str, dict[str, object]] = {}
    for page in resources.dynamodb.get_paginator("scan").paginate(
        TableName=table, ConsistentRead=True
    ):
        for item in page.get("Items", []):
            if item.get("sk", {}).get("S") != "thing":
                continue
            things[item["pk"]["S"]] = {
                "name": item.get("name", {}).get("S"),
                "status": item.get("status", {}).get("S"),
                "deleted": item.get("deleted", {}).get("BOOL", False),
            }
    return things


def queued(resources: Resources, queue_url: str) -> int:
    """The messages on a queue, visible or in flight."""
    attributes = resources.sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    visible = attributes.get("ApproximateNumberOfMessages", "0")
    in_flight = attributes.get("ApproximateNumberOfMessagesNotVisible", "0")
    return int(visible) + int(in_flight)


def drain_queue(resources: Resources, queue_url: str) -> list[dict[str, object]]:
    """Every message body on the queue (parsed), the queue emptied."""
    sqs = resources.sqs
    bodies: list[dict[str, object]] = []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages"):
        bodies.extend(json.loads(message["Body"]) for message in batch)
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch],
        )
    return bodies
