"""backoffice.dashboard: the staff's figures over a period (resolvers/dashboard.py computes them)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

import models as m
from models import WorkDomain
from resolvers import dashboard as rd
from resolvers.catalog.products import branches, plain
from resolvers.core.context import Context
from schema.catalog import Branch, Product, products_of
from schema.core.base import Money, ctx, money, money_field


def _money(c: Context, amount: Decimal) -> Money:
    """Money! in the contract: the dashboard is staff only, and staff see prices."""
    value = money(c, amount)
    assert value is not None
    return value


@strawberry.type
class DailySales:
    date: date
    orders: int
    revenue: Money = money_field()


@strawberry.type
class ProductSales:
    product: Product
    quantity: Decimal
    revenue: Money = money_field()
    orders: int


@strawberry.type
class BranchSales:
    branch: Branch | None
    orders: int = strawberry.field(description="Orders delivered (no branch) or picked up at this branch.")
    revenue: Money = money_field()


@strawberry.type
class WorkDomainSales:
    work_domain: WorkDomain
    orders: int
    revenue: Money = money_field()


@strawberry.type
class ValidationQueue:
    submitted: int
    oldest_submitted_at: datetime | None
    median_decision_minutes: float | None = strawberry.field(
        description="Median minutes from submission to decision over the period."
    )
    approved: int
    rejected: int


@strawberry.type
class QuoteFunnel:
    requested: int
    issued: int
    accepted: int
    expired: int


@strawberry.type(
    description="Figures over [from, to] (dates inclusive, Europe/Brussels days), computed by SQL aggregates."
)
class Dashboard:
    from_: date = strawberry.field(name="from")
    to: date
    orders: int
    revenue: Money = money_field()
    average_order_value: Money | None = money_field()
    active_companies: int
    companies_awaiting_review: int
    by_day: list[DailySales]
    by_branch: list[BranchSales]
    by_work_domain: list[WorkDomainSales]
    validation_queue: ValidationQueue
    quotes: QuoteFunnel
    outbox_pending: int = strawberry.field(
        description="E-mails and webhook deliveries not yet delivered, and those that gave up."
    )
    outbox_failed: int
    figures: strawberry.Private[rd.Figures]

    @staticmethod
    def of(f: rd.Figures, c: Context, branches: dict[uuid.UUID, m.Branch]) -> Dashboard:
        return Dashboard(
            from_=f.start,
            to=f.end,
            orders=f.orders,
            revenue=_money(c, f.revenue),
            average_order_value=money(c, f.revenue / f.orders) if f.orders else None,
            active_companies=f.active_companies,
            companies_awaiting_review=f.companies_awaiting_review,
            by_day=[DailySales(date=s.key, orders=s.orders, revenue=_money(c, s.revenue)) for s in f.by_day],
            by_branch=[
                BranchSales(
                    branch=Branch.of(branches[s.key], c) if s.key else None,
                    orders=s.orders,
                    revenue=_money(c, s.revenue),
                )
                for s in f.by_branch
            ],
            by_work_domain=[
                WorkDomainSales(work_domain=WorkDomain(s.key), orders=s.orders, revenue=_money(c, s.revenue))
                for s in f.by_work_domain
            ],
            validation_queue=ValidationQueue(
                submitted=f.submitted,
                oldest_submitted_at=f.oldest_submitted_at,
                median_decision_minutes=f.median_decision_minutes,
                approved=f.approved,
                rejected=f.rejected,
            ),
            quotes=QuoteFunnel(
                requested=f.quotes_requested,
                issued=f.quotes_issued,
                accepted=f.quotes_accepted,
                expired=f.quotes_expired,
            ),
            outbox_pending=f.outbox_pending,
            outbox_failed=f.outbox_failed,
            figures=f,
        )

    @strawberry.field(description="The period's best sellers by revenue excluding VAT; first: 1-100.")
    async def top_products(self, info: Info, first: int | None = rd.TOP_PRODUCTS) -> list[ProductSales]:
        c = ctx(info)
        sales = await rd.top_products(c, self.from_, self.to, first)
        products = await products_of(c, [s.key for s in sales])
        return [
            ProductSales(product=p, quantity=plain(s.quantity), revenue=_money(c, s.revenue), orders=s.orders)
            for s, p in zip(sales, products, strict=True)
        ]


async def backoffice_dashboard(
    info: Info, from_: Annotated[date, strawberry.argument(name="from")], to: date
) -> Dashboard:
    """Backoffice.dashboard(from, to): staff only; see resolvers/dashboard.py for what each figure counts."""
    c = ctx(info)
    figures = await rd.dashboard(c, from_, to)
    # Loaded here, not in a field of Dashboard: topProducts is then the only field with statements.
    known = {b.id: b for b in await branches(c)} if any(s.key for s in figures.by_branch) else {}
    return Dashboard.of(figures, c, known)
