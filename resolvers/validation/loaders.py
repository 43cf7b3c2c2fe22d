"""The validation lists' DataLoaders (one per request: `validation_list_by_id(ctx)`)."""

from __future__ import annotations

from models import ValidationList, ValidationListLine
from resolvers.core.loaders import by_key, many_by

validation_list_by_id = by_key(ValidationList)
lines_by_validation_list_id = many_by(ValidationListLine, "validation_list_id", order_by=("position",))
