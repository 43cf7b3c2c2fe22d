"""The static cost limit with extensions.cost (item 12), and at most five mutations per document
however they are spelled (item 4)."""

from __future__ import annotations

from models import HelpdeskTicket, OutboxMail, Role
from schema.core.cost import MAX_COST
from schema.core.limits import MAX_MUTATIONS
from tests.catalog.factories import make_product
from tests.conftest import error_codes
from tests.factories import make_member

PAGE = """
query Page($n: Int) {
  products(first: $n) {
    totalCount
    pageInfo { hasNextPage }
    edges { cursor node { id name listPrice { amount } category { id } } }
  }
}
"""
# 1 connection + 1 pageInfo + n edges x (1 edge + 1 node + listPrice + category)
PAGE_COST = {20: 1 + 1 + 20 * 4, 5: 1 + 1 + 5 * 4}
DEEP = "edges { node { id name availability { branch { name } quantity } } }"
# per alias: 1 + 100 edges x (1 + node (1 + 10 availability x (1 + branch)))
WIDE_COST = 30 * (1 + 100 * (1 + 1 + 10 * 2))
HELPDESK_FIELDS = [
    f'm{i}: helpdeskRequest(input: {{kind: QUESTION, subject: "s", message: "m", email: "a{i}@b.test"}}) '
    "{ ticket { id } }"
    for i in range(MAX_MUTATIONS + 1)
]


async def test_a_normal_page_reports_its_cost(api):
    member = await make_member(Role.VIEW_PRICES)
    await make_product()
    for n, cost in PAGE_COST.items():
        body = await api(PAGE, {"n": n}, token=member.token)
        assert "errors" not in body and body["data"]["products"]["totalCount"] == 1
        assert body["extensions"]["cost"] == cost
    default = await api(PAGE, token=member.token)  # first defaults to 20
    assert default["extensions"]["cost"] == PAGE_COST[20]


async def test_fragments_inline_fragments_and_aliases_count_as_selected(api):
    member = await make_member(Role.VIEW_PRICES)
    node = "id name listPrice { amount } category { id }"
    spelled = f"""
    query {{ a: products(first: 5) {{ ...Conn }} b: products(first: 5) {{ ... on ProductConnection {{ ...Conn }} }} }}
    fragment Conn on ProductConnection {{ totalCount pageInfo {{ hasNextPage }} edges {{ cursor node {{ {node} }} }} }}
    """
    body = await api(spelled, token=member.token)
    assert "errors" not in body and body["extensions"]["cost"] == 2 * PAGE_COST[5]


async def test_thirty_wide_pages_exceed_the_cost_before_anything_runs(api):
    member = await make_member(Role.VIEW_PRICES)
    await make_product()
    aliases = " ".join(f"p{i}: products(first: 100) {{ {DEEP} }}" for i in range(30))
    body = await api("query { " + aliases + " }", token=member.token)

    assert WIDE_COST > MAX_COST
    assert error_codes(body) == ["LIMIT_EXCEEDED"] and body.get("data") is None
    assert str(WIDE_COST) in body["errors"][0]["message"]
    assert body["extensions"]["cost"] == WIDE_COST


async def test_mutations_in_an_inline_fragment_count(api):
    body = await api("mutation { ... on Mutation { " + " ".join(HELPDESK_FIELDS) + " } }")

    assert error_codes(body) == ["LIMIT_EXCEEDED"]
    assert await HelpdeskTicket.all().count() == 0 and await OutboxMail.all().count() == 0


async def test_mutations_in_named_fragments_count(api):
    half = MAX_MUTATIONS // 2 + 1
    document = (
        "mutation { ...A ...B ...A } "
        f"fragment A on Mutation {{ {' '.join(HELPDESK_FIELDS[:half])} }} "
        f"fragment B on Mutation {{ ... on Mutation {{ {' '.join(HELPDESK_FIELDS[half:])} }} ...A }}"
    )
    body = await api(document)

    assert error_codes(body) == ["LIMIT_EXCEEDED"]
    assert await HelpdeskTicket.all().count() == 0 and await OutboxMail.all().count() == 0


async def test_five_mutations_spelled_with_fragments_still_run(api):
    document = "mutation { ...A ...A } fragment A on Mutation { " + " ".join(HELPDESK_FIELDS[:MAX_MUTATIONS]) + " }"
    body = await api(document)

    assert "errors" not in body
    assert await HelpdeskTicket.all().count() == MAX_MUTATIONS
