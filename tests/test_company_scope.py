"""Company scoping lives in one place (Polar's `lint_org_scope`): no read under resolvers/ or
schema/ filters by company except in resolvers/core/access.py (`readable`, `in_company`,
`of_company`). Read from the source with ast: a read is a `.filter(`, `.exclude(`, `.get(`,
`.get_or_none(`, `.exists(`, `.count(` or `Q(` call; writes that set a new row's company
(`create(company_id=...)`, `Model(company_id=...)`, `update(...)`, audit records) are not scoping."""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ACCESS = Path("resolvers/core/access.py")
READS = frozenset({"filter", "exclude", "get", "get_or_none", "exists", "count", "Q"})
#: company, company_id, company_id__in, company__id, scan_list__company_id, ...
COMPANY_KEY = re.compile(r"^(?:\w+__)?company(?:_id|__id|__pk)?(?:__in|__exact)?$")
#: (file, keyword) -> why that inline company filter is not a viewer's read scope.
ALLOWED: dict[tuple[str, str], str] = {
    ("resolvers/catalog/importer.py", "company_id__in"): (
        "the ERP catalog import matches the existing prices of every company in the file to update "
        "them; it runs without a viewer (manage.py import-catalog)"
    ),
}


#: Models with a company column that no viewer reads through `readable`, and why.
NO_READ_RULE: dict[str, str] = {
    "AuditEvent": "staff read the whole trail (backofficeAuditEvents, of_company for one company)",
    "CompanyPrice": "read per product by the price loaders for the acting company (of_company)",
}


def test_every_company_model_has_a_read_rule() -> None:
    """Polar's tripwire: each model with a company column has its rule in access.py, or a reason
    above; a new company-owned model cannot slip past the one scope."""
    import inspect

    from tortoise.models import Model

    import models
    from resolvers.core import access

    owned = {
        name
        for name, cls in vars(models).items()
        if inspect.isclass(cls) and issubclass(cls, Model) and "company" in cls._meta.fields_map
    }
    ruled = {model.__name__ for model in access.RULES}
    assert owned - ruled == set(NO_READ_RULE), owned - ruled ^ set(NO_READ_RULE)


def _called(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _keys(node: ast.Call) -> Iterator[str]:
    for kw in node.keywords:
        if kw.arg is not None:
            yield kw.arg
        elif isinstance(kw.value, ast.Dict):  # filter(**{"company_id": ...})
            yield from (k.value for k in kw.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))


def company_filters(source: str, name: str = "<source>") -> list[tuple[int, str, str]]:
    """(line, call, keyword) of every read call in `source` that filters by company."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Call) and _called(node) in READS:
            found += [(node.lineno, str(_called(node)), k) for k in _keys(node) if COMPANY_KEY.match(k)]
    return sorted(found)


def offenders() -> list[str]:
    result = []
    for folder in ("resolvers", "schema"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if rel == ACCESS:
                continue
            for line, call, key in company_filters(path.read_text(encoding="utf-8"), str(rel)):
                if (rel.as_posix(), key) not in ALLOWED:
                    result.append(f"{rel}:{line} {call}({key}=...): scope through resolvers.core.access")
    return result


def test_no_company_filter_outside_access() -> None:
    assert offenders() == []


def test_every_allowed_exception_is_still_needed() -> None:
    """An allow-list entry whose filter is gone must go too (the list stays short and true)."""
    for (file, key), reason in ALLOWED.items():
        assert reason
        assert any(k == key for _, _, k in company_filters((ROOT / file).read_text(encoding="utf-8"))), file


def test_access_itself_is_seen_by_the_scan() -> None:
    """The scan finds the filters of access.py: it would find them anywhere else."""
    assert company_filters((ROOT / ACCESS).read_text(encoding="utf-8"))


PLANTED = """
from tortoise.expressions import Q

async def reads(ctx, pk, cid):
    await Quote.filter(company_id=ctx.company_id)
    await Quote.get_or_none(id=pk, company=ctx.company)
    await Order.filter(Q(company_id__in=[cid]) | Q(id=pk)).exists()
    await ScanListLine.filter(scan_list__company_id=cid)
    await Cart.exists(**{"company_id": cid})
    await CustomerNumber.filter(company__vat_number="BE1").count()

async def writes(cid):
    await Quote.create(company_id=cid)
    row = Cart(company_id=cid)
    await Quote.filter(id=row.id).update(company_id=cid)
    await record(None, "x", company_id=cid)
"""


def test_the_scan_catches_a_planted_company_filter() -> None:
    assert company_filters(PLANTED) == [
        (5, "filter", "company_id"),
        (6, "get_or_none", "company"),
        (7, "Q", "company_id__in"),
        (8, "filter", "scan_list__company_id"),
        (9, "exists", "company_id"),
    ]


def test_a_planted_filter_in_the_tree_fails_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole check, on a copy of the tree with one inline filter planted in a resolver."""
    for folder in ("resolvers", "schema"):
        for path in (ROOT / folder).rglob("*.py"):
            copy = tmp_path / path.relative_to(ROOT)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    planted = tmp_path / "resolvers" / "quote" / "quotes.py"
    planted.write_text(planted.read_text(encoding="utf-8") + PLANTED, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = offenders()
    assert len(found) == 5 and all(f.startswith("resolvers/quote/quotes.py:") for f in found), found
