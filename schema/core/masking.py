"""MaskErrors that names the request in each masked error (code INTERNAL), to find its logged traceback."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from resolvers.core.logs import current_request_id


class MaskErrorsWithRequestId(MaskErrors):
    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        request_id = getattr(self.execution_context.context, "request_id", None) or current_request_id()
        masked.extensions = {**(masked.extensions or {}), "code": "INTERNAL", "requestId": request_id}
        return masked
