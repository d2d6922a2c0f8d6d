"""Integration tests talk real HTTP to one moto server per session, wiped before each test."""

from lambda_stream.testing.moto import aws, fault_proxy, instant_backoff, moto_server

__all__ = ["aws", "fault_proxy", "instant_backoff", "moto_server"]
