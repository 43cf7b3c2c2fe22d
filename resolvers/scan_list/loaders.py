"""The scan lists' DataLoaders (one per request: `lines_by_scan_list_id(ctx)`)."""

from __future__ import annotations

from models import ScanListLine
from resolvers.core.loaders import many_by

lines_by_scan_list_id = many_by(ScanListLine, "scan_list_id", order_by=("position",))
