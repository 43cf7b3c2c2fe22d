"""The quotes' DataLoaders (one per request: `lines_by_quote_id(ctx)`)."""

from __future__ import annotations

from models import QuoteLine
from resolvers.core.loaders import many_by

lines_by_quote_id = many_by(QuoteLine, "quote_id", order_by=("position",))
