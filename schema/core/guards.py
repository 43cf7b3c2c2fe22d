"""Checks on the request and its document that run before validation and execution, so that
hostile or broken input gets a clear error with a code instead of reaching graphql-core,
Strawberry's recursive limiters or the database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    OperationDefinitionNode,
    StringValueNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension

from resolvers.core.errors import AccessError, limit_exceeded

#: NUL is refused by PostgreSQL text columns; a lone surrogate cannot be encoded as UTF-8.
BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
#: No input type of the schema nests deeper than a few levels; graphql-core and our own
#: checks walk variables recursively, so a deeper value is refused before they run.
MAX_VARIABLE_NESTING = 32
#: Strawberry's depth and alias limiters follow fragment spreads recursively and without
#: memoising: a long chain of fragments overflows the stack, a fan-out of spreads doubles
#: their work per level. Both are bounded before validation.
MAX_FRAGMENT_NESTING = 50
MAX_EXPANDED_FIELDS = 10_000


def bad_user_input(message: str) -> AccessError:
    return AccessError("BAD_USER_INPUT", message)


def _bad_text(value: str) -> str | None:
    found = BAD_TEXT.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "a NUL character (U+0000)"
    return f"an unpaired surrogate (U+{ord(found.group()):04X})"


def _refuse_text(where: str, what: str) -> AccessError:
    return bad_user_input(f"{where} contains {what}; text may not contain NUL characters or unpaired surrogates.")


def check_variables(variables: dict[str, Any]) -> None:
    """Every string (keys included) of the variables is valid text, and nothing nests deeper
    than MAX_VARIABLE_NESTING. Iterative: the value may be as deep as the JSON parser allowed."""
    stack: list[tuple[Any, str, int]] = [(value, f"${name}", 1) for name, value in variables.items()]
    for name in variables:
        if what := _bad_text(name):
            raise _refuse_text("A variable name", what)
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_VARIABLE_NESTING:
            raise limit_exceeded(f"Variable values nest at most {MAX_VARIABLE_NESTING} levels deep.")
        if isinstance(value, str):
            if what := _bad_text(value):
                raise _refuse_text(f"Variable '{path}'", what)
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
        elif isinstance(value, dict):
            for key, item in value.items():
                if what := _bad_text(key):
                    raise _refuse_text(f"A field name in variable '{path}'", what)
                stack.append((item, f"{path}.{key}", depth + 1))


class _Definitions(Visitor):
    """Per operation or fragment: its own fields and the fragments it spreads; checks every
    string literal on the way (graphql-core's visit is iterative)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str | None, int] = {}
        self.spreads: dict[str | None, list[str]] = {}
        self.operations = 0
        self.current: str | None = None

    def _start(self, key: str | None) -> None:
        self.current = key
        self.fields.setdefault(key, 0)
        self.spreads.setdefault(key, [])

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        self.operations += 1
        self._start(None)  # every operation counts together: a conservative bound

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: Any) -> None:
        self._start(node.name.value)

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        self.fields[self.current] += 1

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.spreads[self.current].append(node.name.value)

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if what := _bad_text(node.value):
            raise _refuse_text("A string in the document", what)


def fragment_shape(definitions: _Definitions) -> tuple[int, int]:
    """(longest chain of fragment spreads, fields once every spread is expanded), memoised per
    fragment and iterative; a spread back onto the current path counts nothing (validation
    reports the cycle)."""
    nesting: dict[str, int] = {}
    size: dict[str, int] = {}
    for start in [name for name in definitions.spreads if name is not None]:
        if start in size:
            continue
        path: list[tuple[str, Iterator[str]]] = [(start, iter(definitions.spreads[start]))]
        on_path = {start}
        while path:
            name, spreads = path[-1]
            for spread in spreads:
                if spread in definitions.spreads and spread not in size and spread not in on_path:
                    path.append((spread, iter(definitions.spreads[spread])))
                    on_path.add(spread)
                    break
            else:
                path.pop()
                on_path.discard(name)
                done = [s for s in definitions.spreads[name] if s in size]
                nesting[name] = 1 + max((nesting[s] for s in done), default=0)
                size[name] = definitions.fields[name] + sum(size[s] for s in done)
    operation_spreads = [s for s in definitions.spreads.get(None, []) if s in size]
    longest = max((nesting[s] for s in operation_spreads), default=0)
    expanded = definitions.fields.get(None, 0) + sum(size[s] for s in operation_spreads)
    return longest, expanded


@dataclass(frozen=True, slots=True)
class DocumentShape:
    """What the limits below need to know of a document, computed once per document text."""

    operations: int
    longest_fragment_chain: int
    expanded_fields: int


def document_shape(document: DocumentNode) -> DocumentShape:
    definitions = _Definitions()
    visit(document, definitions)
    longest, expanded = fragment_shape(definitions)
    return DocumentShape(definitions.operations, longest, expanded)


def check_shape(shape: DocumentShape, operation_name: str | None) -> None:
    if shape.operations > 1 and operation_name is None:
        raise bad_user_input("Must provide operation name if query contains multiple operations.")
    if shape.longest_fragment_chain > MAX_FRAGMENT_NESTING:
        raise limit_exceeded(f"Fragments nest at most {MAX_FRAGMENT_NESTING} levels deep.")
    if shape.expanded_fields > MAX_EXPANDED_FIELDS:
        raise limit_exceeded(
            f"A document selects at most {MAX_EXPANDED_FIELDS} fields once its fragments are expanded."
        )


class RequestGuard(SchemaExtension):
    """Refuses bad text anywhere in the request before anything runs. The document's own shape
    (fragment nesting, fields once expanded) is checked by schema.core.limits.CheckedDocuments
    before it validates, once per document text."""

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.query and (what := _bad_text(ctx.query)):
            raise _refuse_text("The document", what)
        # Strawberry reports the first operation's name when none was given: read what came.
        provided = ctx._provided_operation_name
        if provided and (what := _bad_text(provided)):
            raise _refuse_text("The operation name", what)
        check_variables(ctx.variables or {})
        yield
