from models.account import (
    Company,
    CompanyStatus,
    CustomerNumber,
    CustomerNumberKind,
    Locale,
    Membership,
    MembershipCustomerNumber,
    MembershipStatus,
    Role,
    Session,
    StaffRole,
    TokenPurpose,
    User,
    UserToken,
    WorkDomain,
)
from models.audit import AuditEvent
from models.base import Sequence
from models.mail import OutboxMail
from models.request import (
    AddressChangeRequest,
    CustomerNumberRequest,
    HelpdeskTicket,
    RequestStatus,
    TicketKind,
)

__all__ = [
    "AddressChangeRequest",
    "AuditEvent",
    "Company",
    "CompanyStatus",
    "CustomerNumber",
    "CustomerNumberKind",
    "CustomerNumberRequest",
    "HelpdeskTicket",
    "Locale",
    "Membership",
    "MembershipCustomerNumber",
    "MembershipStatus",
    "OutboxMail",
    "RequestStatus",
    "Role",
    "Sequence",
    "Session",
    "StaffRole",
    "TicketKind",
    "TokenPurpose",
    "User",
    "UserToken",
    "WorkDomain",
]
