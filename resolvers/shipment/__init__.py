"""What the ERP writes back on orders (SPEC "What the ERP writes back"): the order's status
(orderStatusSet), its delivery notes (shipmentRecord) and their proof of delivery
(shipmentDelivered). Callers: a WRITE_ERP API client, or staff CUSTOMER_SERVICE / ADMINISTRATOR.

Each write is one transaction with its audit row and its events (emitted last), and is
idempotent: the same status, delivery-note number or proof of delivery sent again with the same
data returns the first result and changes nothing; with other data it is DUPLICATE_REFERENCE.
Every change raises Order.version through a conditional UPDATE taken first in the transaction:
of two writes racing on one order, the second finds the version moved, rolls back and is read
again from the start, so shipped quantities never pass what a line ordered.
"""
