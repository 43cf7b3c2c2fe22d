"""SPEC's "Limits every deployment has" that apply to a whole document."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, ListValueNode, OperationDefinitionNode, OperationType
from graphql.validation import ValidationRule
from strawberry.extensions import SchemaExtension

from resolvers.errors import UNAVAILABLE_MESSAGE, AccessError, DomainError, is_unavailable

log = logging.getLogger("graphql")

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_MUTATIONS = 5
MAX_LIST_ITEMS = 500


class MaxMutationsRule(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        if node.operation == OperationType.MUTATION and len(node.selection_set.selections) > MAX_MUTATIONS:
            self.report_error(
                GraphQLError(
                    f"At most {MAX_MUTATIONS} mutations per document.",
                    node,
                    extensions={"code": "LIMIT_EXCEEDED"},
                )
            )


class MaxListRule(ValidationRule):
    def enter_list_value(self, node: ListValueNode, *_: Any) -> None:
        if len(node.values) > MAX_LIST_ITEMS:
            self.report_error(
                GraphQLError(
                    f"Input lists hold at most {MAX_LIST_ITEMS} items.", node, extensions={"code": "LIMIT_EXCEEDED"}
                )
            )


def _longest_list(value: Any) -> int:
    if isinstance(value, list):
        return max([len(value), *(_longest_list(v) for v in value)])
    if isinstance(value, dict):
        return max([0, *(_longest_list(v) for v in value.values())])
    return 0


class MaxListInVariables(SchemaExtension):
    """Input lists passed as variables obey the same 500-item limit as literals."""

    def on_execute(self) -> Iterator[None]:
        variables = self.execution_context.variables or {}
        if _longest_list(variables) > MAX_LIST_ITEMS:
            raise AccessError("LIMIT_EXCEEDED", f"Input lists hold at most {MAX_LIST_ITEMS} items.")
        yield


def should_mask_error(error: GraphQLError) -> bool:
    """Mask everything but validation errors and our own expected errors; log what is masked."""
    original = error.original_error
    if original is None:
        return False  # parse and validation errors
    if isinstance(original, (AccessError, DomainError)):
        return False
    if is_unavailable(original):  # retryable: the client gets a code to act on (app.py answers 503)
        log.warning("database unavailable at %s: %r", error.path, original)
        error.message, error.extensions = UNAVAILABLE_MESSAGE, {"code": "UNAVAILABLE"}
        return False
    log.error("unexpected error at %s", error.path, exc_info=original)
    return True
