"""Shared GraphQL-layer infrastructure: base types (Money, UserError, attempt), limits, node,
error masking, guards, cost."""
