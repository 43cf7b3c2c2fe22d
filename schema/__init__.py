"""The served Schema: one Query and one Mutation class per domain, composed here."""

from __future__ import annotations

from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry import Schema
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

import strawberry
from schema.account import AccountQuery
from schema.limits import (
    MAX_ALIASES,
    MAX_DEPTH,
    MaxListInVariables,
    MaxListRule,
    MaxMutationsRule,
    should_mask_error,
)
from schema.node import NodeQuery


@strawberry.type
class Query(NodeQuery, AccountQuery):
    pass


@strawberry.type
class Mutation:
    @strawberry.mutation
    def noop(self) -> bool:
        return True


def build_schema(production: bool = False) -> Schema:
    rules: list = [MaxMutationsRule, MaxListRule]
    if production:
        rules.append(NoSchemaIntrospectionCustomRule)
    return Schema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(disable_field_suggestions=production),
        extensions=[
            lambda: MaskErrors(should_mask_error=should_mask_error),
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            lambda: AddValidationRules(rules),
            MaxListInVariables,
        ],
    )


schema = build_schema()
