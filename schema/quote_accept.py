"""QuoteAcceptMutation: quoteAccept, which submits an ACTIVE quote at its quoted prices."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from resolvers.quote import accept as rq
from schema.core.base import attempt, ctx
from schema.validation import SubmitInput, ValidationList, ValidationListPayload


@strawberry.type
class QuoteAcceptMutation:
    @strawberry.mutation(
        description=(
            "Submit an ACTIVE quote's lines at the quoted prices as a validation list (source QUOTE); "
            "the quote becomes ACCEPTED. Without a delivery: delivery to the quote's customer number."
        )
    )
    async def quote_accept(self, info: Info, id: strawberry.ID, input: SubmitInput) -> ValidationListPayload:
        c = ctx(info)
        action = rq.accept_quote(c, id, input.reference, input.note, input.delivery, input.idempotency_key)
        return await attempt(ValidationListPayload, action, validation_list=lambda r: ValidationList.of(r, c))
