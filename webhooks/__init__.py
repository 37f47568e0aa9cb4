"""Webhooks: store platforms' endpoints, the outbox of events and their signed delivery."""
