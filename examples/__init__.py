"""Runnable example services: a handler, a sample event, the expected response."""
