"""Demo ordering data: quick lists, a cart, validation lists in every status, two years of orders
and scan lists for each demo company, so that every ordering feature has something to show.

Call after the catalog (and its price lists) is seeded. Idempotent: a company that already has
a quick list, a validation list or an order is left alone. Deterministic per company (seeded
random). Prices follow the real rule (resolvers.catalog.pricing: the company's best break, else the list
price; line totals half-up to cents) and numbers come from the same yearly counters as the real
submits and approvals ("V2026-000001", "O2026-000001"), given in the order of the rows' dates.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from models import (
    Branch,
    Cart,
    CartLine,
    CompanyPrice,
    CustomerNumber,
    CustomerNumberKind,
    DeliveryMethod,
    Locale,
    Membership,
    MembershipCustomerNumber,
    MembershipStatus,
    Order,
    OrderLine,
    OrderSource,
    OrderStatus,
    Product,
    QuickList,
    QuickListLine,
    Role,
    ScanList,
    ScanListLine,
    StaffRole,
    User,
    ValidationList,
    ValidationListLine,
    ValidationStatus,
)
from resolvers import order as order_rs
from resolvers.catalog.pricing import Break, company_breaks, line_total, unit_price
from resolvers.core.clock import now
from resolvers.core.permissions import Permission, permissions_of
from resolvers.scan_list.scans import barcode_of
from resolvers.validation import create as submit_rs

#: Texts per company language (the administrator's locale): FR, else NL.
TEXTS: dict[str, dict[Locale, str]] = {
    "shared": {Locale.FR: "Assortiment courant", Locale.NL: "Vast assortiment", Locale.EN: "Usual range"},
    "shared_desc": {
        Locale.FR: "Ce que l'atelier commande chaque mois.",
        Locale.NL: "Wat we elke maand bestellen.",
        Locale.EN: "What the workshop orders every month.",
    },
    "private": {Locale.FR: "Mes favoris", Locale.NL: "Mijn favorieten", Locale.EN: "My favourites"},
    "site": {Locale.FR: "Chantier - réassort", Locale.NL: "Werf - aanvulling", Locale.EN: "Site - restock"},
    "site_desc": {
        Locale.FR: "Pour l'équipe de chantier (commande via validation).",
        Locale.NL: "Voor de werfploeg (bestellen via validatie).",
        Locale.EN: "For the site crew (ordered through validation).",
    },
    "scan": {Locale.FR: "Rayon atelier", Locale.NL: "Magazijnrek", Locale.EN: "Workshop rack"},
    "scan_new": {
        Locale.FR: "Rayon chantier (à approuver)",
        Locale.NL: "Werfrek (nog goed te keuren)",
        Locale.EN: "Site rack (to approve)",
    },
    "rejected": {
        Locale.FR: "Quantités inhabituelles : merci de confirmer avec votre représentant.",
        Locale.NL: "Ongewone hoeveelheden: gelieve te bevestigen met uw vertegenwoordiger.",
        Locale.EN: "Unusual quantities: please confirm with your representative.",
    },
    "note": {
        Locale.FR: "Livrer avant 10h s'il vous plaît.",
        Locale.NL: "Graag leveren voor 10 uur.",
        Locale.EN: "Please deliver before 10 am.",
    },
}
REFERENCES = ["Chantier rue de la Loi", "Renovatie Gent Zuid", "Villa Waterloo", "Bureaux Mechelen",
              "Veranda Knokke", "Appartements Liège", None, None]  # fmt: skip
ONE_TIME = dict(one_time_line1="Rue des Tanneurs 40", one_time_postal_code="1000", one_time_city="Bruxelles",
                one_time_country_code="BE")  # fmt: skip
PLACERS = {Role.ADMINISTRATOR, Role.VIEW_PRICES_AND_ORDER, Role.ORDER_WITHOUT_PRICES}

Line = tuple[Product, Decimal, "str | None", Decimal]


@dataclass
class _Company:
    id: uuid.UUID
    locale: Locale
    sold_to: uuid.UUID
    ship_tos: list[uuid.UUID]
    admin: Membership
    buyer: Membership  # VIEW_PRICES_AND_ORDER when there is one, else the administrator
    placers: list[Membership]  # members with PLACE_ORDERS
    quick_only: Membership | None  # a QUICK_LISTS_ONLY member
    quick_only_numbers: list[uuid.UUID]
    priced: list[Product]
    others: list[Product]
    breaks: dict[uuid.UUID, list[Break]]
    rng: random.Random

    def text(self, key: str) -> str:
        return TEXTS[key].get(self.locale, TEXTS[key][Locale.FR])

    def pick(self, n: int, exclude: Sequence[Product] = ()) -> list[Product]:
        """n distinct products, about half from the company's price list (so breaks show)."""
        taken = {p.id for p in exclude}
        chosen: list[Product] = []
        pools = [self.priced or self.others, self.others or self.priced]
        while len(chosen) < n:
            product = self.rng.choice(pools[len(chosen) % 2])
            if product.id not in taken:
                taken.add(product.id)
                chosen.append(product)
        return chosen

    def quantity(self, product: Product, big: bool = False) -> Decimal:
        """A valid quantity (>= minimum, a multiple of the pack size); `big` crosses breaks."""
        step = Decimal(product.order_multiple) or Decimal(1)
        least = math.ceil(Decimal(product.minimum_quantity) / step)
        extra = self.rng.choice([0, 1, 2, 4, 9, 12, 24, 49] if big else [0, 0, 1, 2, 3])
        return step * max(1, least + extra)

    def lines(self, products: Sequence[Product], note_first: bool = False) -> list[Line]:
        """Lines at the company's price for each quantity (best break, else the list price)."""
        out: list[Line] = []
        for i, p in enumerate(products):
            qty = self.quantity(p, big=True)
            price = unit_price(Decimal(p.list_price), self.breaks.get(p.id, []), qty)
            out.append((p, qty, "Fragile" if note_first and i == 0 else None, price))
        return out


@dataclass
class _Submission:
    """A validation list (unless `direct`, a scan order) and, when approved, its order."""

    company: _Company
    membership: Membership
    created_at: datetime
    source: OrderSource
    delivery: dict[str, Any]
    lines: list[Line]
    status: ValidationStatus = ValidationStatus.APPROVED
    decided_at: datetime | None = None
    decided_by_id: uuid.UUID | None = None
    reason: str | None = None
    order_status: OrderStatus | None = None
    reference: str | None = None
    note: str | None = None
    direct: bool = False
    row_id: uuid.UUID | None = field(default=None)

    @property
    def customer_number_id(self) -> uuid.UUID:
        return self.delivery.get("ship_to_id") or self.company.sold_to


async def _company(company_id: uuid.UUID, products: list[Product]) -> _Company | None:
    numbers = await CustomerNumber.filter(company_id=company_id).order_by("number")
    members = sorted(
        await Membership.filter(company_id=company_id, status=MembershipStatus.ACTIVE).select_related("user"),
        key=lambda m: m.user.email,
    )
    sold_to = next((n.id for n in numbers if n.kind == CustomerNumberKind.SOLD_TO), None)
    admin = next((m for m in members if m.role == Role.ADMINISTRATOR), None)
    if sold_to is None or admin is None:
        return None
    placers = [m for m in members if Permission.PLACE_ORDERS in permissions_of(m.role, False)]
    quick_only = next((m for m in members if m.role == Role.QUICK_LISTS_ONLY), None)
    limited = []
    if quick_only is not None:
        limited = list(await MembershipCustomerNumber.filter(membership_id=quick_only.id).values_list(
            "customer_number_id", flat=True))  # fmt: skip
    ship_tos = [n.id for n in numbers if n.kind == CustomerNumberKind.SHIP_TO]
    priced_ids: set[Any] = set(await CompanyPrice.filter(company_id=company_id).values_list("product_id", flat=True))
    return _Company(
        id=company_id,
        locale=admin.user.locale,
        sold_to=sold_to,
        ship_tos=ship_tos,
        admin=admin,
        buyer=next((m for m in members if m.role == Role.VIEW_PRICES_AND_ORDER), admin),
        placers=placers,
        quick_only=quick_only,
        # Limited to SHIP_TO numbers it may deliver to (else it orders for the sold-to).
        quick_only_numbers=[n for n in limited if n in ship_tos],  # type: ignore[misc]  # Tortoise types values_list(flat=True) as tuples
        priced=[p for p in products if p.id in priced_ids],
        others=[p for p in products if p.id not in priced_ids],
        breaks=await company_breaks(company_id, list(priced_ids)),
        rng=random.Random(f"ordering-{company_id}"),
    )


def _delivery(c: _Company, branches: list[Branch], pickup: bool = False) -> dict[str, Any]:
    if pickup and branches:
        return {"delivery_method": DeliveryMethod.PICKUP, "branch_id": c.rng.choice(branches).id}
    if c.ship_tos and c.rng.random() < 0.8:
        return {"delivery_method": DeliveryMethod.DELIVERY, "ship_to_id": c.rng.choice(c.ship_tos)}
    return {"delivery_method": DeliveryMethod.DELIVERY, **ONE_TIME}


async def _quick_lists(c: _Company) -> list[Product]:
    """A shared list of ~30 lines, a private list of the buyer, and for a company with a
    QUICK_LISTS_ONLY member a small shared list for the site crew (its products returned)."""
    created = now() - timedelta(days=c.rng.randint(200, 400))
    plans = [(c.admin.user_id, "shared", "shared_desc", True, c.pick(30)),
             (c.buyer.user_id, "private", None, False, c.pick(8))]  # fmt: skip
    site: list[Product] = []
    if c.quick_only is not None:
        site = c.pick(8)
        plans.append((c.admin.user_id, "site", "site_desc", True, site))
    for owner_id, name, desc, shared, products in plans:
        row = await QuickList.create(company_id=c.id, owner_id=owner_id, name=c.text(name), shared=shared,
                                     description=c.text(desc) if desc else None, created_at=created)  # fmt: skip
        await QuickListLine.bulk_create([
            QuickListLine(id=uuid.uuid4(), quick_list_id=row.id, product_id=p.id, quantity=c.quantity(p),
                          position=i, created_at=created)
            for i, p in enumerate(products)
        ])  # fmt: skip
    return site


async def _cart(c: _Company, branches: list[Branch]) -> None:
    """The buyer's cart: a few lines and a delivery, ready to submit."""
    if await Cart.exists(membership_id=c.buyer.id):
        return
    cart = await Cart.create(membership_id=c.buyer.id, company_id=c.id, **_delivery(c, branches))
    await CartLine.bulk_create([
        CartLine(id=uuid.uuid4(), cart_id=cart.id, product_id=p.id, quantity=qty, note=note, position=i)
        for i, (p, qty, note, _) in enumerate(c.lines(c.pick(c.rng.randint(3, 5)), note_first=True))
    ])  # fmt: skip


async def _scan_lists(c: _Company, staff: dict[StaffRole, User]) -> list[Product]:
    """One approved scan list and one still waiting for approval; the approved products."""
    maker = staff.get(StaffRole.REPRESENTATIVE) or staff.get(StaffRole.CUSTOMER_SERVICE)
    approver = staff.get(StaffRole.CUSTOMER_SERVICE) or staff.get(StaffRole.ADMINISTRATOR)
    if maker is None or approver is None:
        return []
    approved = c.pick(12)
    current = now()
    for name, products, made, approved_at in (
        ("scan", approved, current - timedelta(days=730), current - timedelta(days=728)),
        ("scan_new", c.pick(6, exclude=approved), current - timedelta(days=2), None),
    ):
        row = await ScanList.create(
            company_id=c.id, name=c.text(name), created_by_id=maker.id, created_at=made,
            approved_at=approved_at, approved_by_id=approver.id if approved_at else None,
        )  # fmt: skip
        await ScanListLine.bulk_create([
            ScanListLine(id=uuid.uuid4(), scan_list_id=row.id, product_id=p.id, barcode=barcode_of(p),
                         default_quantity=c.quantity(p), position=i, created_at=made)
            for i, p in enumerate(products)
        ])  # fmt: skip
    return approved


def _plans(
    c: _Company, branches: list[Branch], decider: User, site: list[Product], scan: list[Product]
) -> list[_Submission]:
    """Validation lists in each status (recent) and 6-9 orders over the last two years."""
    rng, current = c.rng, now()
    placers = c.placers or [c.admin]
    out: list[_Submission] = []

    def sub(m: Membership, days: float, **kw: Any) -> _Submission:
        kw.setdefault("delivery", _delivery(c, branches))
        kw.setdefault("lines", c.lines(c.pick(rng.randint(3, 20))))
        kw.setdefault("source", rng.choice([OrderSource.CART, OrderSource.CART, OrderSource.QUICK_LIST]))
        kw.setdefault("reference", rng.choice(REFERENCES))
        row = _Submission(company=c, membership=m, created_at=current - timedelta(days=days), **kw)
        out.append(row)
        return row

    # Awaiting staff: from the QUICK_LISTS_ONLY member's list when there is one.
    if c.quick_only is not None and site:
        numbers = c.quick_only_numbers or c.ship_tos
        delivery = ({"delivery_method": DeliveryMethod.DELIVERY, "ship_to_id": numbers[0]} if numbers
                    else {"delivery_method": DeliveryMethod.DELIVERY, **ONE_TIME})  # fmt: skip
        sub(c.quick_only, 0.2, status=ValidationStatus.SUBMITTED, source=OrderSource.QUICK_LIST,
            delivery=delivery, lines=c.lines(site))  # fmt: skip
    else:
        sub(c.buyer, 0.2, status=ValidationStatus.SUBMITTED, note=c.text("note"))
    approved = sub(c.buyer, 3, status=ValidationStatus.APPROVED, order_status=OrderStatus.CONFIRMED)
    approved.decided_at = approved.created_at + timedelta(hours=20)
    rejected = sub(placers[-1], 6, status=ValidationStatus.REJECTED, reason=c.text("rejected"))
    rejected.decided_at = rejected.created_at + timedelta(hours=5)
    cancelled = sub(c.buyer, 9, status=ValidationStatus.CANCELLED)
    cancelled.decided_at = cancelled.created_at + timedelta(hours=1)
    cancelled.decided_by_id = c.buyer.user_id

    # History: newest PROCESSING, then PARTIALLY_SHIPPED, SHIPPED, READY_FOR_PICKUP (at a branch), the
    # rest DELIVERED (their delivery notes: demo.shipments).
    n = rng.randint(6, 9)  # one order in each of n equal stretches of the last two years
    days = [12 + (700 * i) // n + rng.randrange(700 // n) for i in range(n)]
    statuses = [
        OrderStatus.PROCESSING,
        OrderStatus.PARTIALLY_SHIPPED,
        OrderStatus.SHIPPED,
        OrderStatus.READY_FOR_PICKUP,
    ]
    for i, back in enumerate(days):
        status = statuses[i] if i < len(statuses) else OrderStatus.DELIVERED
        pickup = status == OrderStatus.READY_FOR_PICKUP or (i > 3 and rng.random() < 0.2)
        delivery = _delivery(c, branches, pickup)
        row = sub(rng.choice(placers), back + rng.random(), order_status=status, delivery=delivery)
        row.decided_at = row.created_at + timedelta(hours=rng.randint(2, 30))
        if i == len(days) - 2 and scan:  # an order placed at once by scanning approved products
            row.direct, row.source, row.decided_at = True, OrderSource.SCAN, row.created_at
            row.lines = c.lines(rng.sample(scan, min(len(scan), rng.randint(3, 8))))
    for row in out:
        if row.status in (ValidationStatus.APPROVED, ValidationStatus.REJECTED):
            row.decided_by_id = decider.id
    return out


async def _write(plans: list[_Submission]) -> None:
    """Validation lists, then orders, each numbered in the order of their dates."""
    for s in sorted((p for p in plans if not p.direct), key=lambda p: p.created_at):
        decided = s.status != ValidationStatus.SUBMITTED
        row = await ValidationList.create(
            company_id=s.company.id, membership_id=s.membership.id,
            submitted_by_id=s.membership.user_id,
            customer_number_id=s.customer_number_id, number=await submit_rs.new_number(s.created_at.year),
            status=s.status, source=s.source, reference=s.reference, note=s.note,
            total=sum((line_total(price, qty) for _, qty, _, price in s.lines), Decimal(0)),
            decided_at=s.decided_at if decided else None, decided_by_id=s.decided_by_id if decided else None,
            rejection_reason=s.reason, version=2 if decided else 1, created_at=s.created_at, **s.delivery,
        )  # fmt: skip
        s.row_id = row.id
        await ValidationListLine.bulk_create([
            ValidationListLine(id=uuid.uuid4(), validation_list_id=row.id, product_id=p.id, quantity=qty, note=note,
                               unit_price=price, position=i, created_at=s.created_at)
            for i, (p, qty, note, price) in enumerate(s.lines)
        ])  # fmt: skip
    for s in sorted((p for p in plans if p.order_status is not None), key=lambda p: p.decided_at or p.created_at):
        at = s.decided_at or s.created_at
        order = await Order.create(
            company_id=s.company.id, membership_id=s.membership.id,
            placed_by_id=s.membership.user_id,
            customer_number_id=s.customer_number_id, validation_list_id=s.row_id,
            number=await order_rs.new_number(at.year), status=s.order_status, source=s.source,
            reference=s.reference, note=s.note, year=at.year, created_at=at,
            total=sum((line_total(price, qty) for _, qty, _, price in s.lines), Decimal(0)), **s.delivery,
        )  # fmt: skip
        await OrderLine.bulk_create([
            OrderLine(id=uuid.uuid4(), order_id=order.id, product_id=p.id, quantity=qty, note=note, unit_price=price,
                      position=i, created_at=at)
            for i, (p, qty, note, price) in enumerate(s.lines)
        ])  # fmt: skip


async def _has_ordering(company_id: uuid.UUID) -> bool:
    return (
        await QuickList.exists(company_id=company_id)
        or await ValidationList.exists(company_id=company_id)
        or await Order.exists(company_id=company_id)
    )


async def seed_ordering(company_ids: list) -> None:
    """Quick lists, a cart, validation lists and orders, scan lists for each company without any."""
    todo = [cid for cid in company_ids if not await _has_ordering(cid)]
    if not todo:
        return
    products = await Product.filter(orderable=True, ean__isnull=False).order_by("sku")
    if len(products) < 40:
        return
    staff = {u.staff_role: u for u in await User.filter(staff_role__not_isnull=True).order_by("-created_at")}
    decider = staff.get(StaffRole.CUSTOMER_SERVICE) or staff.get(StaffRole.ADMINISTRATOR)
    if decider is None:
        return
    branches = await Branch.all().order_by("code")
    companies = [c for c in [await _company(cid, products) for cid in todo] if c is not None]
    async with in_transaction():
        plans: list[_Submission] = []
        for c in companies:
            site = await _quick_lists(c)
            await _cart(c, branches)
            scan = await _scan_lists(c, staff)
            plans += _plans(c, branches, decider, site, scan)
        await _write(plans)
