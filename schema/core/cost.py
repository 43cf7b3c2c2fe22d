"""The static cost of a document (SPEC "Limits every deployment has"), checked before execution.

Cost counts the objects a document can return, as Shopify's and GitHub's APIs do:

- every field that returns an object costs 1 per parent object; scalar and enum fields cost 0;
- a connection (a field with a ``first`` argument) costs 1, and its selection is multiplied by
  its page size: ``first`` (or ``last``) from the literal or the variables, else the argument's
  default, else 20, at most 100 (larger pages are refused by the resolver anyway);
- inside a connection, its ``edges`` and ``nodes`` lists hold that page (no further factor);
- any other list field counts as 10 items, unless one of its arguments is a list, which bounds
  it to that many items (``productLookup(codes:)``);
- aliases, fragments and inline fragments count as often as they are selected; introspection
  fields (``__schema``, ``__type``, ``__typename``) cost nothing.

So ``products(first: 20) { edges { node { name } } }`` costs 1 + 20 + 20 = 41. A document over
MAX_COST is refused with LIMIT_EXCEEDED and its cost before anything runs; every executed
response reports ``extensions.cost``.

The same check then spends the document against its caller's budgets per minute (requests and
summed cost: resolvers.core.ratelimit); over either, HTTP 429 with Retry-After and a top-level
error RATE_LIMITED, nothing executed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from resolvers.auth.throttle import client_address
from resolvers.core.context import Context
from resolvers.core.errors import AccessError, limit_exceeded
from resolvers.core.i18n import tr
from resolvers.core.pagination import MAX_PAGE

MAX_COST = 5000
DEFAULT_PAGE = 20
DEFAULT_LIST = 10
PAGE_FIELDS = ("edges", "nodes")


class _Cost:
    def __init__(
        self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        # Cost is linear in the number of parent objects, so a fragment's cost for one parent is
        # computed once (a fan-out of spreads stays linear).
        self.memo: dict[tuple[str, int | None], int] = {}
        self.active: set[str] = set()

    def _value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        return value_from_ast_untyped(node, self.variables)

    def _page(self, field: FieldNode, definition: GraphQLField) -> int:
        args = {arg.name.value: arg.value for arg in field.arguments or ()}
        for name in ("first", "last"):
            if name in args:
                value = self._value(args[name])
                if isinstance(value, int):
                    return max(0, min(value, MAX_PAGE))
        default = definition.args["first"].default_value
        return min(default, MAX_PAGE) if isinstance(default, int) else DEFAULT_PAGE

    def _list_size(self, field: FieldNode) -> int:
        for arg in field.arguments or ():
            if isinstance(arg.value, ListValueNode):
                return len(arg.value.values)
            value = self._value(arg.value)
            if isinstance(value, list):
                return len(value)
        return DEFAULT_LIST

    def selection(self, node: SelectionSetNode, parent: GraphQLNamedType, page: int | None) -> int:
        """The cost of a selection set for one parent object; `page` is set inside a connection."""
        total = 0
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection(selection.selection_set, inner or parent, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, page)
        return total

    def fragment(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key not in self.memo:
            fragment = self.fragments.get(name)
            if fragment is None or name in self.active:  # validation refuses both
                return 0
            self.active.add(name)
            parent = self.schema.get_type(fragment.type_condition.name.value)
            self.memo[key] = self.selection(fragment.selection_set, parent, page) if parent else 0
            self.active.discard(name)
        return self.memo[key]

    def field(self, node: FieldNode, parent: GraphQLNamedType, page: int | None) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0
        definition = getattr(parent, "fields", {}).get(name)  # objects and interfaces
        if definition is None or is_leaf_type(get_named_type(definition.type)):
            return 0
        inner_page = None
        if "first" in definition.args:
            items = 1
            inner_page = self._page(node, definition)
        elif is_list_type(get_nullable_type(definition.type)):
            items = page if page is not None and name in PAGE_FIELDS else self._list_size(node)
        else:
            items = 1
        below = (
            self.selection(node.selection_set, get_named_type(definition.type), inner_page) if node.selection_set else 0
        )
        return items * (1 + below)


def document_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> int:
    root = schema.get_root_type(operation.operation)
    return _Cost(schema, fragments, variables).selection(operation.selection_set, root, None) if root else 0


def caller(c: Context) -> str:
    """Whose budgets a request spends: its API client's, its session's, else its address's."""
    v = c.viewer
    if v is not None and v.client_id is not None:
        return f"client:{v.client_id}"
    if c.session is not None:
        return f"session:{c.session.id}"
    return f"address:{client_address(c)}"


async def spend_budget(c: Context, cost: int) -> None:
    """RATE_LIMITED (HTTP 429, Retry-After) when the caller's budgets cannot take this request."""
    if c.budgets is None:
        return
    refused = await c.budgets.spend(caller(c), cost)
    if refused is None:
        return
    if c.response is not None:
        c.response.status_code = 429
        c.response.headers["Retry-After"] = str(refused.retry_after)
    if refused.requests:
        message = tr("Too many requests this minute: try again in {seconds} s.", seconds=refused.retry_after)
    else:
        message = tr("The queries of this minute cost too much: try again in {seconds} s.", seconds=refused.retry_after)
    raise AccessError("RATE_LIMITED", message)


class QueryCost(SchemaExtension):
    """Computes the document's cost once it is valid, refuses it over MAX_COST, spends it against
    the caller's budgets, and reports it in the response's `extensions.cost`."""

    cost: int | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        assert document is not None
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        name = ctx.operation_name
        operation = next((o for o in operations if o.name and o.name.value == name), operations[0])
        self.cost = document_cost(ctx.schema._schema, operation, fragments, ctx.variables or {})
        if self.cost > MAX_COST:
            raise limit_exceeded(f"This document costs {self.cost}, more than the limit of {MAX_COST}.")
        if isinstance(ctx.context, Context):
            await spend_budget(ctx.context, self.cost)
        yield

    def get_results(self) -> dict[str, Any]:
        return {} if self.cost is None else {"cost": self.cost}
