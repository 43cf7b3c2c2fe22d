"""The served Schema: one Query and one Mutation class per domain, composed here."""

from __future__ import annotations

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule, specified_rules
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig

from schema.api_client import ApiClientMutation
from schema.article_code import ArticleCodeMutation
from schema.auth import AuthMutation, AuthQuery
from schema.backoffice import BackofficeMutation, BackofficeQuery
from schema.cart import CartMutation, CartQuery
from schema.catalog import CatalogQuery, StockMutation
from schema.company import CompanyMutation, RequestMutation
from schema.core.base import SCALARS
from schema.core.cost import QueryCost
from schema.core.executor import executor_class
from schema.core.guards import RequestGuard
from schema.core.limits import (
    MAX_ALIASES,
    MAX_DEPTH,
    CheckedDocuments,
    DocumentCache,
    MaxListInVariables,
    MaxListRule,
    MaxMutationsRule,
    QuietSchema,
    should_mask_error,
)
from schema.core.masking import MaskErrorsWithRequestId
from schema.core.node import NodeQuery
from schema.fast_entry import FastEntryMutation
from schema.invoice import InvoiceMutation, InvoiceQuery
from schema.membership import MembershipMutation
from schema.order import OrderMutation, OrderQuery
from schema.quick_list import QuickListMutation, QuickListQuery
from schema.quote import QuoteAcceptMutation, QuoteMutation, QuoteQuery
from schema.scan_list import ScanListMutation, ScanListQuery
from schema.shipment import ShipmentMutation
from schema.validation import ValidationMutation, ValidationQuery
from schema.webhook import WebhookMutation


@strawberry.type
class Query(
    NodeQuery,
    AuthQuery,
    BackofficeQuery,
    CatalogQuery,
    QuoteQuery,
    CartQuery,
    ValidationQuery,
    OrderQuery,
    ScanListQuery,
    QuickListQuery,
    InvoiceQuery,
):
    pass


@strawberry.type
class Mutation(
    AuthMutation,
    MembershipMutation,
    ApiClientMutation,
    CompanyMutation,
    RequestMutation,
    BackofficeMutation,
    QuoteMutation,
    CartMutation,
    FastEntryMutation,
    ValidationMutation,
    OrderMutation,
    ShipmentMutation,
    StockMutation,
    QuoteAcceptMutation,
    ScanListMutation,
    QuickListMutation,
    WebhookMutation,
    ArticleCodeMutation,
    InvoiceMutation,
):
    pass


def build_schema(production: bool = False, differential: bool = False) -> QuietSchema:
    # Built once: a limiter built per request makes a new rule class, and no cached validation
    # would ever match it again.
    rules = [
        *specified_rules,
        *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
        MaxMutationsRule,
        MaxListRule,
    ]
    if production:
        rules.append(NoSchemaIntrospectionCustomRule)
    documents = DocumentCache(rules)
    return QuietSchema(
        query=Query,
        mutation=Mutation,
        execution_context_class=executor_class(differential),
        config=StrawberryConfig(disable_field_suggestions=production, scalar_map=SCALARS),
        extensions=[
            lambda: MaskErrorsWithRequestId(should_mask_error=should_mask_error),
            RequestGuard,
            lambda: CheckedDocuments(documents),
            MaxListInVariables,
            QueryCost,
        ],
    )


schema = build_schema()
