"""Webhooks (SPEC "Integration"): subscriptions, fan-out of the event feed, and the delivery worker."""
