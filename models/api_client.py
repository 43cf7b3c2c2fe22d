"""API clients: partner portals acting for a company, the distributor's ERP acting with scopes."""

from __future__ import annotations

from enum import Enum


class IntegrationScope(str, Enum):
    READ_ALL = "READ_ALL"
    WRITE_ERP = "WRITE_ERP"
    MANAGE_WEBHOOKS = "MANAGE_WEBHOOKS"
