"""Opaque global ids: base64url of "Type:uuid"; the uuid makes them unguessable."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Sequence

from resolvers.core.errors import not_found


def encode(type_name: str, pk: uuid.UUID | str | int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def parse(global_id: str) -> tuple[str, str] | None:
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, sep, pk = raw.partition(":")
    return (type_name, pk) if sep else None


def decode(global_id: str, type_name: str, field: Sequence[str] | None = None) -> uuid.UUID:
    """The UUID behind an id of the given type; NOT_FOUND for anything else."""
    parsed = parse(global_id)
    if parsed is None or parsed[0] != type_name:
        raise not_found(field)
    try:
        return uuid.UUID(parsed[1])
    except ValueError:
        raise not_found(field) from None


def decode_or_none(global_id: str, type_name: str) -> uuid.UUID | None:
    parsed = parse(global_id)
    if parsed is None or parsed[0] != type_name:
        return None
    try:
        return uuid.UUID(parsed[1])
    except ValueError:
        return None
