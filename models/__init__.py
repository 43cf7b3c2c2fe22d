from __future__ import annotations

from models.account import Locale, StaffRole, User
from models.api_client import ApiClient, IntegrationScope
from models.audit import AuditEvent
from models.auth import LoginThrottle, Session, TokenPurpose, UserToken
from models.base import Sequence
from models.cart import Cart, CartLine
from models.catalog import Branch, BranchStock, Category, CompanyArticleCode, CompanyPrice, Product, SalesUnit
from models.company import (
    AddressChangeRequest,
    Company,
    CompanyStatus,
    CustomerNumber,
    CustomerNumberKind,
    CustomerNumberRequest,
    HelpdeskTicket,
    RequestStatus,
    TicketKind,
    WorkDomain,
)
from models.delivery import DeliveryMethod
from models.event import Event, EventType
from models.idempotency import IdempotencyRecord
from models.invoice import Invoice, InvoiceOrder, InvoiceStatus, Payment
from models.mail import OutboxMail
from models.membership import Membership, MembershipCustomerNumber, MembershipStatus, Role
from models.order import Order, OrderLine, OrderSource, OrderStatus
from models.quick_list import QuickList, QuickListLine
from models.quote import Quote, QuoteLine, QuoteState, QuoteStatus
from models.scan_list import ScanList, ScanListLine
from models.shipment import Shipment, ShipmentLine
from models.validation import ValidationList, ValidationListLine, ValidationStatus
from models.webhook import WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription

__all__ = [
    "AddressChangeRequest",
    "ApiClient",
    "AuditEvent",
    "Branch",
    "BranchStock",
    "Cart",
    "CartLine",
    "Category",
    "Company",
    "CompanyArticleCode",
    "CompanyPrice",
    "CompanyStatus",
    "CustomerNumber",
    "CustomerNumberKind",
    "CustomerNumberRequest",
    "DeliveryMethod",
    "Event",
    "EventType",
    "HelpdeskTicket",
    "IdempotencyRecord",
    "IntegrationScope",
    "Invoice",
    "InvoiceOrder",
    "InvoiceStatus",
    "Locale",
    "LoginThrottle",
    "Membership",
    "MembershipCustomerNumber",
    "MembershipStatus",
    "Order",
    "OrderLine",
    "OrderSource",
    "OrderStatus",
    "OutboxMail",
    "Payment",
    "Product",
    "QuickList",
    "QuickListLine",
    "Quote",
    "QuoteLine",
    "QuoteState",
    "QuoteStatus",
    "RequestStatus",
    "Role",
    "SalesUnit",
    "ScanList",
    "ScanListLine",
    "Sequence",
    "Session",
    "Shipment",
    "ShipmentLine",
    "StaffRole",
    "TicketKind",
    "TokenPurpose",
    "User",
    "UserToken",
    "ValidationList",
    "ValidationListLine",
    "ValidationStatus",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "WebhookSubscription",
    "WorkDomain",
]
