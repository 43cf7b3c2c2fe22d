"""The execution context the schema runs with: graphql-core's, with plain fields compiled.

graphql-core executes every field the same way: a `GraphQLResolveInfo`, the resolver (for a plain
attribute, Strawberry's default one), an awaitable check, then `complete_value` down the type. On a
page of 400 lines x 10 fields that is most of the request. Here, before anything below a field
runs, the executor decides whether the field's whole subtree is *pure*: every field in it is
served by Strawberry's default resolver (a "basic" field: no resolver, no extension, so the value
is `getattr(source, python_name)`), and every type in it is a scalar, an enum, an object type or a
list of those (no interface or union, no @defer). A pure subtree is compiled (graphql-jit's idea)
into a generated Python function that reads the attributes and builds the response dicts
directly, lists in comprehensions; the function is cached per schema by the subtree's structure,
so each selection shape is compiled once for the process.

A field declared with `preloaded_field(attribute)` (a resolver that answers `self.<attribute>`
whenever a page's data plan set it) counts as plain too: its attribute is read, and only where it
is None does graphql-core run the resolver.

Anything else runs graphql-core's own code: resolvers, abstract types, and every value the
generated code does not expect. The generated code only reads attributes and coerces leaves (it
has no side effect), so when it meets anything unusual (a null in a non-null position, a value
of another Python class than the fast one for a scalar, a scalar that does not coerce, an
exception) it gives up and graphql-core completes the same value again from the start: results
and errors are exactly graphql-core's. `tests/test_executor.py` checks that, and the differential
mode (`GRAPHQL_DIFFERENTIAL=1`, see `DifferentialExecutor`) runs every query of the suite through
both executors and compares.
"""

from __future__ import annotations

import enum
import keyword
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from types import GeneratorType
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationType,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path, Undefined, gather_with_cancel
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE
from strawberry.types.field import StrawberryField

Spec = tuple[Any, ...]
"""The structure of a pure subtree, hashable: ("leaf", nullable, type name),
("list", nullable, item spec), ("object", nullable, type name, ((response name, attribute or
None for __typename, spec or None), ...))."""

#: Python classes whose values a scalar's coercion returns unchanged: checked inline.
UNCHANGED: dict[str, type] = {"String": str, "ID": str, "Boolean": bool}
#: The Python class a custom scalar's values come as (SCALARS): called inline for those.
TYPED: dict[str, type] = {"Decimal": Decimal, "Date": date, "DateTime": datetime}


class Compiled:
    """The functions compiled for one schema, by structure (bounded: a client sending ever new
    shapes costs a compilation each, not memory)."""

    MAX = 2048

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.functions: dict[Spec, Callable[[Any], Any]] = {}

    def get(self, spec: Spec) -> Callable[[Any], Any]:
        function = self.functions.get(spec)
        if function is None:
            if len(self.functions) >= self.MAX:
                self.functions.clear()
            function = self.functions[spec] = Generator(self.schema).function(spec)
        return function


class Generator:
    """Writes the Python source of one pure subtree's completion and compiles it."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.names: dict[str, Any] = {"Undefined": Undefined}
        self.lines: list[str] = []
        self.count = 0

    def function(self, spec: Spec) -> Callable[[Any], Any]:
        entry = self.emit(spec)
        namespace = dict(self.names)
        source = compile("\n".join(self.lines), f"<compiled {spec[0]}>", "exec")
        exec(source, namespace)  # noqa: S102  # our own generated source: the schema's type and field names only
        function: Callable[[Any], Any] = namespace[entry]
        return function

    def name(self, prefix: str, value: Any = None) -> str:
        self.count += 1
        name = f"{prefix}{self.count}"
        if value is not None:
            self.names[name] = value
        return name

    def emit(self, spec: Spec) -> str:
        """The name of a function completing a value of `spec` (None included)."""
        kind, nullable = spec[0], spec[1]
        name = self.name("complete_")
        body: list[str] = ["    if v is None:", "        return None" if nullable else "        raise LookupError"]
        if kind == "leaf":
            body.append(f"    return {self.coerce(spec[2])}(v)")
        elif kind == "list":
            body.append("    if v.__class__ is not list and v.__class__ is not tuple:")
            body.append("        raise LookupError")
            item = spec[2]
            if item[0] == "leaf" and item[2] in UNCHANGED and not item[1]:
                fast = self.name("T", UNCHANGED[item[2]])
                body.append(f"    return [x if x.__class__ is {fast} else {self.coerce(item[2])}(x) for x in v]")
            else:
                body.append(f"    return [{self.emit(item)}(x) for x in v]")
        else:
            body += self.object(spec, "v", "r", 4)[2:]  # None was handled above
            body.append("    return r")
        self.lines += [f"def {name}(v):", *body, ""]
        return name

    def object(self, spec: Spec, source: str, target: str, indent: int) -> list[str]:
        """Statements setting `target` to the completed object in `source`, nested objects
        inlined (no call per object), lists through their own function."""
        pad, inner = " " * indent, " " * (indent + 4)
        none = f"{target} = None" if spec[1] else "raise LookupError"
        lines = [f"{pad}if {source} is None:", f"{inner}{none}", f"{pad}else:"]
        type_ = self.schema.get_type(spec[2])
        assert isinstance(type_, GraphQLObjectType)
        # graphql-core awaits an awaitable value first, and checks is_type_of where the type
        # has one; an instance of the type's own class (not cast to another) passes both. Where
        # there is no is_type_of, a cast changes nothing: only the class is checked.
        cls = python_class(type_)
        origin = self.name("origin_", cls)
        unusual = f"{source}.__class__ is not {origin}"
        if type_.is_type_of is not None or hasattr(cls, "__await__"):
            unusual += f" or getattr({source}, {TYPE_CAST_ATTRIBUTE!r}, None) is not None"
        refused = f"{self.name('is_awaitable_', is_awaitable)}({source})"
        if type_.is_type_of is not None:
            refused += f" or not {self.name('is_type_of_', type_.is_type_of)}({source}, None)"
        lines += [f"{inner}if {unusual}:", f"{inner}    if {refused}:", f"{inner}        raise LookupError"]
        items = []
        for i, (response_name, field, child) in enumerate(spec[3]):
            if field is None:
                items.append(f"{response_name!r}: {spec[2]!r}")
                continue
            var, (attribute, preloaded) = f"{target}_{i}", field
            plain = attribute.isidentifier() and not keyword.iskeyword(attribute)
            read = f"{source}.{attribute}" if plain else f"getattr({source}, {attribute!r})"
            lines.append(f"{inner}{var} = {read}")
            if preloaded:  # not loaded with its page: graphql-core runs the field's resolver
                lines += [f"{inner}if {var} is None:", f"{inner}    raise LookupError"]
            if child[0] == "leaf":
                lines += [" " * indent + line for line in self.leaf(var, child[2], child[1])]
            elif child[0] == "object":
                lines += self.object(child, var, var, indent + 4)
            else:
                lines.append(f"{inner}{var} = {self.emit(child)}({var})")
            items.append(f"{response_name!r}: {var}")
        lines.append(f"{inner}{target} = {{" + ", ".join(items) + "}")
        return lines

    def leaf(self, var: str, type_name: str, nullable: bool) -> list[str]:
        """Statements completing the leaf in `var`: inline for the Python class a scalar or enum
        is expected as, through `coerce` (which raises where graphql-core would not answer the
        value as it is) for any other."""
        slow = [f"    {'elif' if nullable else 'else'}{f' {var} is not None' if nullable else ''}:"]
        slow.append(f"        {var} = {self.coerce(type_name)}({var})")
        type_ = self.schema.get_type(type_name)
        if type_name in UNCHANGED:
            fast = [f"    if {var}.__class__ is {self.name('T', UNCHANGED[type_name])}:", "        pass"]
        elif isinstance(type_, GraphQLEnumType) and (members := enum_names(type_)) is not None:
            fast = [
                f"    if {var}.__class__ is {self.name('E', members[0])}:",
                f"        {var} = {self.name('N', members[1])}[{var}]",
            ]
        elif isinstance(type_, GraphQLScalarType) and type_name in TYPED:
            fast = [
                f"    if {var}.__class__ is {self.name('T', TYPED[type_name])}:",
                f"        {var} = {self.name('C', type_.coerce_output_value)}({var})",
                f"        if {var} is None or {var} is Undefined:",
                "            raise LookupError",
            ]
        else:  # no class to expect: every value goes through `coerce`
            return [f"    if {var} is not None:", slow[1]] if nullable else [slow[1][4:]]
        return fast + slow

    def coerce(self, type_name: str) -> str:
        """A function coercing a non-null leaf as `complete_leaf_value` does, or raising."""
        type_ = self.schema.get_type(type_name)
        assert isinstance(type_, GraphQLScalarType | GraphQLEnumType)
        return self.name("coerce_", leaf_coercion(type_))


def python_class(type_: GraphQLObjectType) -> type | None:
    """The Python class of a Strawberry object type, if its `is_type_of` is absent or Strawberry's
    own (which accepts an instance of that class unless `strawberry.cast` to another type)."""
    definition = (type_.extensions or {}).get("strawberry-definition")
    own = type_.is_type_of is None or getattr(type_.is_type_of, "__qualname__", "").endswith(
        "_get_is_type_of.<locals>.is_type_of"
    )
    return definition.origin if own and isinstance(definition, StrawberryObjectDefinition) else None


def enum_names(type_: GraphQLEnumType) -> tuple[type, dict[Any, str]] | None:
    """For a Strawberry enum: its Python class and the name each member is answered as (what its
    `coerce_output_value` returns for it, computed once)."""
    cls = getattr(type_, "wrapped_cls", None)
    if not isinstance(cls, type) or not issubclass(cls, enum.Enum):
        return None
    try:
        return cls, {member: type_.coerce_output_value(member) for member in cls}
    except Exception:  # a member it does not answer: every value goes through `coerce`
        return None


def leaf_coercion(type_: GraphQLScalarType | GraphQLEnumType) -> Callable[[Any], Any]:
    coerce = type_.coerce_output_value

    def coerced(value: Any) -> Any:
        if value is None or value is Undefined or isinstance(value, Exception) or is_awaitable(value):
            raise LookupError
        result = coerce(value)
        if result is None or result is Undefined:
            raise LookupError
        return result

    return coerced


_compiled: dict[int, tuple[GraphQLSchema, Compiled]] = {}


def compiled_for(schema: GraphQLSchema) -> Compiled:
    entry = _compiled.get(id(schema))
    if entry is None or entry[0] is not schema:
        entry = _compiled[id(schema)] = (schema, Compiled(schema))
    return entry[1]


#: A field's metadata key naming the attribute its resolver answers whenever it is not None
#: (`schema.core.base.preloaded_field`).
PRELOADED = "preloaded"

Source = tuple[str, bool]
"""Where a plain field's value is read: (attribute, preloaded). A preloaded attribute stands for
its field's resolver only when it is not None; when it is None the resolver runs."""


def field_source(field: Any) -> Source | None:
    """Where a GraphQL field's value can be read without its resolver: the attribute of a basic
    field (Strawberry's default resolver, with the default `getattr`), or the preloaded attribute
    of a field declared with `preloaded_field` (no argument, no extension); else None."""
    definition = (field.extensions or {}).get("strawberry-definition")
    if not isinstance(definition, StrawberryField) or field.args or definition.extensions:
        return None
    preloaded = definition.metadata.get(PRELOADED) if definition.metadata else None
    if preloaded is not None:
        return preloaded, True
    if definition.is_basic_field and getattr(field.resolve, "_is_default", False):
        return (definition.python_name, False) if definition.default_resolver is getattr else None
    return None


#: Classes whose instances graphql-core's check found not awaitable: no check again for them.
_NOT_AWAITABLE: set[type] = set()


def is_awaitable(value: Any) -> bool:
    """Strawberry's `optimized_is_awaitable`, its answer cached per Python class where the class
    decides it: not for generators (a flag of each one's code) nor for classes with a
    `__getattr__` (an instance may answer `__await__`), and for at most 4,096 classes."""
    cls = type(value)
    if cls in _NOT_AWAITABLE:
        return False
    if optimized_is_awaitable(value):
        return True
    if cls is not GeneratorType and not hasattr(cls, "__getattr__") and len(_NOT_AWAITABLE) < 4096:
        _NOT_AWAITABLE.add(cls)
    return False


class FastExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with pure subtrees compiled and plain fields read directly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = is_awaitable  # type: ignore[assignment]  # an instance attribute, as graphql-core sets it
        manager = self.middleware_manager
        self.fast = not (manager is not None and manager.middlewares)
        self.compiled = compiled_for(self.schema)
        self.specs: dict[tuple[GraphQLOutputType, int], tuple[FieldDetailsList, Spec | None]] = {}
        self.completers: dict[tuple[GraphQLOutputType, int], tuple[FieldDetailsList, Callable[[Any], Any] | None]] = {}
        self.plans: dict[tuple[GraphQLObjectType, int], tuple[GroupedFieldSet, list[tuple] | None]] = {}

    # ------------------------------------------------------------------ deciding

    def spec(self, return_type: GraphQLOutputType, details: FieldDetailsList) -> Spec | None:
        """The structure of this field's subtree if it is pure, else None (memoised per request)."""
        key = (return_type, id(details))
        entry = self.specs.get(key)
        if entry is None:
            entry = self.specs[key] = (details, self.find_spec(return_type, details))
        return entry[1]

    def find_spec(self, return_type: GraphQLOutputType, details: FieldDetailsList) -> Spec | None:
        nullable = not isinstance(return_type, GraphQLNonNull)
        type_ = return_type if nullable else return_type.of_type  # type: ignore[union-attr]  # GraphQLNonNull here
        if isinstance(type_, GraphQLList):
            item = self.spec(type_.of_type, details)
            return None if item is None else ("list", nullable, item)
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            return ("leaf", nullable, type_.name)
        if not isinstance(type_, GraphQLObjectType):
            return None  # interfaces and unions: graphql-core resolves the runtime type
        grouped, defer_usages, _ = self.collect_subfields(type_, details)
        if defer_usages:
            return None
        fields: list[tuple[str, Source | None, Spec | None]] = []
        for response_name, sub_details in grouped.items():
            if any(d.node.directives for d in sub_details):
                return None
            field_name = sub_details[0].node.name.value
            if field_name == "__typename":
                fields.append((response_name, None, None))
                continue
            field = type_.fields.get(field_name)
            source = field_source(field) if field is not None else None
            if field is None or source is None:
                return None
            child = self.spec(field.type, sub_details)
            if child is None:
                return None
            fields.append((response_name, source, child))
        return ("object", nullable, type_.name, tuple(fields))

    def completer(self, return_type: GraphQLOutputType, details: FieldDetailsList) -> Callable[[Any], Any] | None:
        key = (return_type, id(details))
        entry = self.completers.get(key)
        if entry is None:
            spec = self.spec(return_type, details) if self.fast else None
            entry = self.completers[key] = (details, None if spec is None else self.compiled.get(spec))
        return entry[1]

    def plan(self, parent_type: GraphQLObjectType, grouped: GroupedFieldSet) -> list[tuple] | None:
        """Per field of an object: (response name, details, attribute, completer) where the field is
        plain and its subtree pure, (response name, details, None, None) where graphql-core runs it;
        None when no field is plain."""
        key = (parent_type, id(grouped))
        entry = self.plans.get(key)
        if entry is None:
            plan: list[tuple] = []
            for response_name, details in grouped.items():
                field_name = details[0].node.name.value
                field = parent_type.fields.get(field_name)
                source = field_source(field) if field is not None else None
                completer = None
                if source is not None and not any(d.node.directives for d in details):
                    completer = self.completer(field.type, details)
                plan.append((response_name, details, source if completer else None, completer))
            entry = self.plans[key] = (grouped, plan if any(p[3] for p in plan) else None)
        return entry[1]

    # ------------------------------------------------------------------ executing

    def build_response(self, data: dict[str, Any] | None) -> Any:
        """graphql-core's response; then the executor lets go of the request. Its `async_helpers`
        hold bound methods of the executor, a reference cycle through which everything the
        request loaded (context, loaders, rows) waited for the garbage collector's slow
        generations instead of being freed when the response is sent."""
        response = super().build_response(data)
        self.async_helpers = None  # type: ignore[assignment]  # nothing runs after the response
        return response

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        completer = self.completer(return_type, field_details_list)
        if completer is not None and position_context is None:
            try:
                return completer(result)
            except Exception:  # noqa: S110  # anything unexpected: graphql-core completes it again, with its errors
                pass
        return super().complete_value(return_type, field_details_list, info, path, result, position_context)

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        plan = self.plan(parent_type, grouped_field_set) if self.fast and position_context is None else None
        if plan is None:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, details, source, completer in plan:
                if completer is not None:
                    try:
                        value = getattr(source_value, source[0])
                        if value is not None or not source[1]:  # a preloaded None: its resolver runs
                            results[response_name] = completer(value)
                            continue
                    except Exception:  # noqa: S110  # as in complete_value: graphql-core runs the field again
                        pass
                result = self.execute_field(
                    parent_type, source_value, details, Path(path, response_name, parent_type.name), position_context
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()


#: Set while DifferentialExecutor runs a query again through plain graphql-core, so that tests
#: counting SQL statements count the served execution only.
SHADOW: ContextVar[bool] = ContextVar("graphql_shadow", default=False)

#: What DifferentialExecutor found different (tests/conftest.py fails the test that caused it).
MISMATCHES: list[str] = []


def outcome(result: Any) -> tuple[Any, list[dict[str, Any]]]:
    errors = [
        {"message": e.message, "path": e.path, "locations": e.locations, "extensions": e.extensions}
        for e in (result.errors or [])
    ]
    return result.data, errors


class DifferentialExecutor(FastExecutor):
    """The test mode of `GRAPHQL_DIFFERENTIAL=1`: every query runs through the fast executor (its
    answer is served) and then again through Strawberry's plain graphql-core execution context
    with the same context (its loaders already hold what the first run fetched); data and errors
    must be identical, else the difference is recorded in MISMATCHES. Mutations are not run twice
    (they change data); the fast path's completions in them are pure, and checked the same way by
    tests/test_executor.py."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arguments = (args, kwargs)

    def execute_operation(self, serially: bool | None = None) -> Any:
        served = super().execute_operation(serially)
        if self.operation.operation is not OperationType.QUERY:
            return served

        async def both() -> Any:
            fast = await served if self.is_awaitable(served) else served
            token = SHADOW.set(True)
            try:
                args, kwargs = self.arguments
                plain = StrawberryGraphQLCoreExecutionContext(*args, **kwargs).execute_operation(serially)
                plain = await plain if self.is_awaitable(plain) else plain
            finally:
                SHADOW.reset(token)
            if outcome(fast) != outcome(plain):
                name = self.operation.name.value if self.operation.name else "(anonymous)"
                MISMATCHES.append(f"{name}: {outcome(fast)!r:.2000} != {outcome(plain)!r:.2000}")
            return fast

        return both()


def executor_class(differential: bool) -> type[FastExecutor]:
    return DifferentialExecutor if differential else FastExecutor
