"""The shipment DataLoaders (one per request): one query per batch."""

from __future__ import annotations

from models import OrderLine, Shipment, ShipmentLine
from resolvers.core.loaders import by_key, many_by

shipments_by_order_id = many_by(Shipment, "order_id", order_by=("shipped_at", "created_at", "id"))
lines_by_shipment_id = many_by(ShipmentLine, "shipment_id", order_by=("position",))
order_line_by_id = by_key(OrderLine)
