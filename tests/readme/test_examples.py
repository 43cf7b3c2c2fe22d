"""The README's examples work as written against a fresh `make run` (demo data loaded)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from demo import seed_demo

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def register_example() -> tuple[str, dict]:
    """The companyRegister document and the JSON variables block that follows it."""
    document = next(b for b in blocks("graphql") if "companyRegister" in b)
    after = README[README.index(document) :]
    variables = json.loads(re.search(r"```json\n(.*?)```", after, flags=re.S).group(1))  # type: ignore[union-attr]
    return document, variables


async def test_readme_company_register_example_works_on_fresh_demo_data(api):
    started = time.monotonic()
    await seed_demo()
    print(f"seed-demo took {time.monotonic() - started:.1f}s")
    document, variables = register_example()

    payload = (await api.ok(document, variables))["companyRegister"]

    assert payload["userErrors"] == []
    assert payload["company"]["name"] == variables["input"]["companyName"]


async def test_readme_says_branch_ids_come_from_the_public_branches_query(api):
    await seed_demo()
    document = next(b for b in blocks("graphql") if b.lstrip().startswith("{ branches"))

    branches = (await api.ok(document))["branches"]

    assert branches and all(b["id"] for b in branches)
