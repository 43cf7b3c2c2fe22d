"""SPEC's "Limits every deployment has" that apply to a whole document."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableDefinitionNode,
)
from graphql.validation import ValidationRule
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from resolvers.core.errors import UNAVAILABLE_MESSAGE, AccessError, DomainError, is_unavailable
from resolvers.core.i18n import tr
from resolvers.core.logs import current_request_id

log = logging.getLogger("graphql")

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_MUTATIONS = 5
MAX_LIST_ITEMS = 500


class MaxMutationsRule(ValidationRule):
    """Counts the root fields a mutation runs: inline fragments and fragment spreads expanded
    (each fragment once, as graphql-core collects them), one per response key."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        if node.operation != OperationType.MUTATION:
            return
        keys: set[str] = set()
        spread: set[str] = set()
        pending: list[SelectionSetNode] = [node.selection_set]
        while pending:
            for selection in pending.pop().selections:
                if isinstance(selection, FieldNode):
                    keys.add((selection.alias or selection.name).value)
                elif isinstance(selection, InlineFragmentNode):
                    pending.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in spread:
                    spread.add(selection.name.value)
                    if fragment := self.context.get_fragment(selection.name.value):
                        pending.append(fragment.selection_set)
        if len(keys) > MAX_MUTATIONS:
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


def is_expected(error: GraphQLError) -> bool:
    """The client's mistake or a refusal: parse and validation errors, bad variables, our own
    expected errors. Everything else is a defect."""
    original = error.original_error
    if original is None or isinstance(original, (AccessError, DomainError)):
        return True
    # Variable coercion (graphql-core or a custom scalar's parse_value raising) is located at the
    # variable's definition and happens before execution, so it has no path.
    return error.path is None and any(isinstance(node, VariableDefinitionNode) for node in error.nodes or ())


def should_mask_error(error: GraphQLError) -> bool:
    """Mask everything but expected errors; log what is masked."""
    if is_expected(error):
        return False
    if is_unavailable(error.original_error):  # retryable: the client gets a code to act on (app.py answers 503)
        error.message, error.extensions = tr(UNAVAILABLE_MESSAGE), {"code": "UNAVAILABLE"}
        return False
    log.error("unexpected error at %s", error.path, exc_info=error.original_error)
    return True


MASKED = "Unexpected error."
#: Strawberry's QueryDepthLimiter and MaxAliasesLimiter report without a code.
LIMIT_MESSAGES = ("exceeds maximum operation depth", "aliases found. Allowed")
#: graphql-core's suggestions, from validation rules (fields, arguments, types, inline
#: fragments) and from input coercion (enum values, input fields): enough to rebuild the schema.
SUGGESTION = re.compile(r" ?Did you mean\b[^?]*\?")


def finish_error(error: GraphQLError, production: bool) -> GraphQLError:
    """The last step of every error before it is sent. An exception raised by an extension hook
    escapes MaskErrors: it is masked here. Parse, validation and variable errors get
    BAD_USER_INPUT (LIMIT_EXCEEDED for the depth and alias limits); production drops suggestions."""
    if error.original_error is not None and should_mask_error(error):
        internal = {"code": "INTERNAL", "requestId": current_request_id()}
        return GraphQLError(MASKED, error.nodes, error.source, error.positions, error.path, None, internal)
    extensions = dict(error.extensions or {})
    if "code" not in extensions and error.message != MASKED:
        limit = any(text in error.message for text in LIMIT_MESSAGES)
        extensions["code"] = "LIMIT_EXCEEDED" if limit else "BAD_USER_INPUT"
    message = SUGGESTION.sub("", error.message) if production else error.message
    return GraphQLError(message, error.nodes, error.source, error.positions, error.path, None, extensions)


class QuietSchema(Schema):
    """Logs expected errors (refusals, the client's mistakes) and UNAVAILABLE ones in one line
    without a traceback; unexpected ones are logged once, with theirs, by should_mask_error
    (Strawberry's default logged them a second time)."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            if is_expected(error):
                log.info("%s: %s", (error.extensions or {}).get("code", "BAD_USER_INPUT"), error.message)
            elif is_unavailable(error.original_error):  # the database's state, not a bug: no traceback
                log.warning("database unavailable at %s: %r", error.path, error.original_error)
            # Unexpected ones: should_mask_error logs each once, with its traceback.
