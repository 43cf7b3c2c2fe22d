"""The ERP writes back here: its client tokens (tests.shipment.helpers.scoped)."""

from tests.shipment.helpers import scoped  # noqa: F401 - the fixture
