"""SPEC's "Limits every deployment has" that apply to a whole document."""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
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
from graphql.language import DocumentNode
from graphql.validation import ASTValidationRule, ValidationRule
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.schema import schema as strawberry_schema
from strawberry.types import ExecutionContext

from resolvers.core.errors import UNAVAILABLE_MESSAGE, AccessError, DomainError, is_unavailable
from resolvers.core.i18n import tr
from resolvers.core.logs import current_request_id
from schema.core.guards import DocumentShape, check_shape, document_shape

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


#: A document is cached only up to this many characters, and the cache holds at most
#: CACHED_CHARS of document text in all: a parsed document keeps its tokens, many times its size.
CACHED_DOCUMENTS = 256
CACHED_DOCUMENT_CHARS = 50_000
CACHED_CHARS = 2_000_000


@dataclass(slots=True)
class _Checked:
    document: DocumentNode
    shape: DocumentShape | None = None
    errors: list[GraphQLError] | None = field(default=None)


class DocumentCache:
    """The documents seen lately by one schema: each parsed, measured (guards.document_shape) and
    validated once per document text, least recently used first out. The validation rules are
    fixed when the schema is built, so the text (and the parse options) is the whole key."""

    def __init__(
        self,
        rules: Sequence[type[ASTValidationRule]],
        maxsize: int = CACHED_DOCUMENTS,
        max_document_chars: int = CACHED_DOCUMENT_CHARS,
        max_chars: int = CACHED_CHARS,
    ) -> None:
        self.rules = tuple(rules)
        self.maxsize = maxsize
        self.max_document_chars = max_document_chars
        self.max_chars = max_chars
        self._entries: OrderedDict[tuple[str, tuple[tuple[str, Any], ...]], _Checked] = OrderedDict()
        self._chars = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[str, tuple[tuple[str, Any], ...]]) -> _Checked | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: tuple[str, tuple[tuple[str, Any], ...]], document: DocumentNode) -> _Checked:
        entry = _Checked(document)
        if len(key[0]) > self.max_document_chars:
            return entry
        self._entries[key] = entry
        self._chars += len(key[0])
        while len(self._entries) > self.maxsize or self._chars > self.max_chars:
            (text, _), _ = self._entries.popitem(last=False)
            self._chars -= len(text)
        return entry


def _copy(error: GraphQLError) -> GraphQLError:
    """Each request gets its own error objects: later steps may rewrite an error's message."""
    extensions = dict(error.extensions) if error.extensions else None
    return GraphQLError(
        error.message, error.nodes, error.source, error.positions, error.path, error.original_error, extensions
    )


class CheckedDocuments(SchemaExtension):
    """Parses, checks the shape of (fragment nesting, fields once expanded: before the recursive
    depth and alias rules run) and validates a document once per document text, with the rules
    built once with the schema (Strawberry's ValidationCache keyed on rule classes its limiters
    rebuild per request, so it never hit, issue #4635). Built per request around the schema's
    one DocumentCache; per-request state stays on this instance."""

    def __init__(self, cache: DocumentCache) -> None:
        self.cache = cache
        self.entry: _Checked | None = None

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        key = None
        if ctx.query is not None and ctx.graphql_document is None:
            key = (ctx.query, tuple(sorted(ctx.parse_options.items())))
            self.entry = self.cache.get(key)
            if self.entry is not None:
                ctx.graphql_document = self.entry.document
        yield
        # Strawberry parsed it (a syntax error leaves no document, and is not cached).
        if key is not None and self.entry is None and ctx.graphql_document is not None:
            self.entry = self.cache.put(key, ctx.graphql_document)

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        assert document is not None
        entry = self.entry if self.entry is not None and self.entry.document is document else _Checked(document)
        if entry.shape is None:
            entry.shape = document_shape(document)
        check_shape(entry.shape, ctx._provided_operation_name)
        if entry.errors is None:
            entry.errors = strawberry_schema.validate_document(ctx.schema._schema, document, self.cache.rules)
        ctx.validation_rules = self.cache.rules
        ctx.pre_execution_errors = [_copy(error) for error in entry.errors]
        yield
