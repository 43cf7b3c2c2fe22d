"""The company's own article codes: ArticleCode, Company.articleCodes, articleCodeSet, articleCodesRemove."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import strawberry
from strawberry.types import Info

import models as m
from resolvers.catalog import article_codes as rules
from resolvers.core.context import Context
from schema.catalog import Product, products_of
from schema.core.base import OkPayload, UserError, attempt, ctx, errors_field
from schema.core.connection import Connection
from schema.core.lookahead import selection
from schema.core.permissions import Permission, requires


@strawberry.type(
    description="A code the company uses for a product in its own systems; fast entry and scans accept it."
)
class ArticleCode:
    code: str
    product: Product

    @staticmethod
    async def load(c: Context, rows: Sequence[m.CompanyArticleCode]) -> list[ArticleCode]:
        """The codes with their products, loaded together (one batched load, prices included)."""
        products = await products_of(c, [r.product_id for r in rows])
        return [ArticleCode(code=r.code, product=p) for r, p in zip(rows, products, strict=True)]


async def company_article_codes(
    info: Info, company_id: uuid.UUID, first: int | None, after: str | None
) -> Connection[ArticleCode]:
    """Company.articleCodes."""
    c = ctx(info)
    page = await rules.codes_page(c, company_id, first, after, with_total="totalCount" in selection(info))
    return Connection.of(page, await ArticleCode.load(c, page.rows))


@strawberry.type
class ArticleCodePayload:
    article_code: ArticleCode | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class ArticleCodeMutation:
    @strawberry.mutation(
        extensions=[requires(Permission.MANAGE_COMPANY)],
        description=(
            "Set (or move) the company's own code for a product; unique within the company, never another "
            "product's SKU or EAN."
        ),
    )
    async def article_code_set(self, info: Info, product_id: strawberry.ID, code: str) -> ArticleCodePayload:
        c = ctx(info)

        async def one(row: m.CompanyArticleCode) -> ArticleCode:
            return (await ArticleCode.load(c, [row]))[0]

        return await attempt(ArticleCodePayload, rules.set_code(c, product_id, code), article_code=one)

    @strawberry.mutation(
        extensions=[requires(Permission.MANAGE_COMPANY)],
        description="Remove the company's own codes given (at most 500); codes it does not have are ignored.",
    )
    async def article_codes_remove(self, info: Info, codes: list[str]) -> OkPayload:
        return await attempt(OkPayload, rules.remove_codes(ctx(info), codes), ok=bool)
