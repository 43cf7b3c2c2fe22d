"""What a query selects below a field, for the per-page data plans (load only what is asked).

`selection(info)` walks the field's own selection set in the document (graphql-core's nodes, as
Strawberry's `info.selected_fields` does, without converting arguments) and merges every alias,
fragment spread and inline fragment into one tree of field names. It over-approximates: a field
under `@skip`/`@include` or a type condition counts as selected, so a plan built on it loads at
most what it need not, never less than the executor reads.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import FieldNode, FragmentDefinitionNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode
from strawberry.types import Info


class Selected:
    """Field names (as in the schema: camelCase) selected below one field, each with its own."""

    __slots__ = ("fields",)

    def __init__(self) -> None:
        self.fields: dict[str, Selected] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.fields

    def __bool__(self) -> bool:
        return bool(self.fields)

    def get(self, *path: str) -> Selected | None:
        """The selection at this path of names (None when any of them is not selected)."""
        here: Selected | None = self
        for name in path:
            here = here.fields.get(name) if here is not None else None
        return here

    def any(self, *names: str) -> bool:
        return any(name in self.fields for name in names)

    def _add(self, sets: Iterable[SelectionSetNode | None], fragments: dict[str, FragmentDefinitionNode]) -> None:
        for selection_set in sets:
            if selection_set is None:
                continue
            for node in selection_set.selections:
                if isinstance(node, FieldNode):
                    child = self.fields.get(node.name.value)
                    if child is None:
                        child = self.fields[node.name.value] = Selected()
                    child._add([node.selection_set], fragments)
                elif isinstance(node, InlineFragmentNode):
                    self._add([node.selection_set], fragments)
                elif isinstance(node, FragmentSpreadNode):
                    fragment = fragments.get(node.name.value)
                    if fragment is not None:
                        self._add([fragment.selection_set], fragments)


class _Everything:
    """Stands for a selection of every field (`name in EVERYTHING` is always true)."""

    def __contains__(self, name: object) -> bool:
        return True


EVERYTHING = _Everything()


def selection(info: Info) -> Selected:
    """Everything selected below the field being resolved (all its aliases and fragments)."""
    raw = info._raw_info
    found = Selected()
    found._add([node.selection_set for node in raw.field_nodes], raw.fragments)
    return found
