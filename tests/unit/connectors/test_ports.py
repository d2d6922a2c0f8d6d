"""Ports: given ports as they are, the others built once on first use, closed on request."""

from __future__ import annotations

import threading

import boto3

from lambda_stream import resolve_options
from lambda_stream.connectors import Connections, DynamoDBConnector, EventBridgeConnector, Ports
from lambda_stream.testing import InMemoryDynamoDB

OPTIONS = resolve_options({}, region="eu-west-1")


def _session() -> boto3.Session:
    return boto3.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name="eu-west-1"
    )


def test_a_given_port_is_used_as_it_is() -> None:
    fake = InMemoryDynamoDB()
    assert Ports(OPTIONS, dynamodb=fake).dynamodb is fake


def test_a_port_not_given_is_built_once_on_the_shared_connections() -> None:
    connections = Connections(OPTIONS, session=_session())
    ports = Ports(OPTIONS, connections=connections)
    first = ports.eventbridge
    assert isinstance(first, EventBridgeConnector)
    assert ports.eventbridge is first
    assert first.connections is connections
    assert ports.connections is connections


def test_ports_build_their_connections_from_the_options_when_none_are_given() -> None:
    ports = Ports(OPTIONS)
    assert ports.connections.options is OPTIONS
    assert ports.connections is ports.connections


def test_threads_asking_at_once_get_one_connector() -> None:
    ports = Ports(OPTIONS, connections=Connections(OPTIONS, session=_session()))
    seen: list[object] = []
    barrier = threading.Barrier(8)

    def ask() -> None:
        barrier.wait()
        seen.append(ports.dynamodb)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(port) for port in seen}) == 1


class _Client:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_close_closes_the_clients_it_built_and_leaves_given_ports_alone() -> None:
    fake = InMemoryDynamoDB()
    ports = Ports(OPTIONS, connections=Connections(OPTIONS, session=_session()), dynamodb=fake)
    bus = ports.eventbridge
    assert isinstance(bus, EventBridgeConnector)
    client = _Client()
    bus.client = client  # type: ignore[assignment]  # a stand-in that records close()
    ports.close()
    assert client.closed
    assert ports.dynamodb is fake
    rebuilt = ports.eventbridge
    assert rebuilt is not bus  # asked for again after close: built anew


def test_close_stops_the_pool_of_connections_it_built_only() -> None:
    given = Connections(OPTIONS, session=_session())
    pool = given._pool()
    Ports(OPTIONS, connections=given).close()
    assert given._executor is pool  # the owner's, left running

    ports = Ports(OPTIONS)
    own = ports.connections
    own._pool()
    ports.close()
    assert own._executor is None


def test_a_connector_built_by_a_port_is_the_services_connector() -> None:
    ports = Ports(OPTIONS, connections=Connections(OPTIONS, session=_session()))
    assert isinstance(ports.dynamodb, DynamoDBConnector)
