"""SSRF rules in production: https only, and every resolved address public (UNSAFE_URL otherwise),
at creation, at update and before each delivery. No test connects anywhere but loopback."""

from __future__ import annotations

import socket

import pytest

from models import Role, WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription
from resolvers.webhook import delivery, urls
from tests.conftest import production_settings
from tests.factories import make_member
from tests.webhook.conftest import CREATE, make_event

UPDATE = "mutation($id: ID!, $url: String!) { webhookSubscriptionUpdate(id: $id, input: {url: $url}) { userErrors { code } } }"
PUBLIC = "93.184.215.14"


@pytest.fixture
def settings():
    return production_settings()


@pytest.fixture
def resolver(monkeypatch):
    """Host names resolved as the test says (no DNS): `names[host] = [addresses]`, [] for a name
    that does not resolve; IP literals and `localhost` go to the real getaddrinfo (numeric, or
    /etc/hosts)."""
    names: dict[str, list[str]] = {}
    real = urls.resolve

    async def resolve(host: str, port: int) -> list[str]:
        if host not in names:
            return await real(host, port)
        if not names[host]:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return names[host]

    monkeypatch.setattr(urls, "resolve", resolve)
    return names


async def _create(api, token: str, url: str) -> dict:
    data = await api.ok(CREATE, {"input": {"url": url, "events": ["ORDER_CREATED"]}}, token=token)
    return data["webhookSubscriptionCreate"]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://172.16.0.1/hook",
        "https://192.168.1.1:8443/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
        "https://240.0.0.1/hook",
        "https://localhost/hook",
        "https://internal.example.com/hook",  # resolves to a private address
        "https://mixed.example.com/hook",  # one public, one loopback address
        "https://nowhere.invalid/hook",  # does not resolve: cannot be checked
        "http://93.184.215.14/hook",  # http in production
        "http://localhost/hook",
    ],
)
async def test_unsafe_urls_are_refused_in_production(api, resolver, url):
    resolver["internal.example.com"] = ["10.0.0.7"]
    resolver["mixed.example.com"] = [PUBLIC, "127.0.0.1"]
    resolver["nowhere.invalid"] = []
    admin = await make_member(Role.ADMINISTRATOR)
    made = await _create(api, admin.token, url)
    assert [e["code"] for e in made["userErrors"]] == ["UNSAFE_URL"], made
    assert await WebhookSubscription.all().count() == 0


@pytest.mark.parametrize(
    "url", [f"https://{PUBLIC}/hook", "https://hooks.example.com/hook", "https://[2606:4700::1]/h"]
)
async def test_https_to_a_public_address_is_accepted(api, resolver, url):
    resolver["hooks.example.com"] = [PUBLIC, "2606:4700:4700::1111"]
    admin = await make_member(Role.ADMINISTRATOR)
    made = await _create(api, admin.token, url)
    assert made["userErrors"] == [] and made["subscription"]["url"] == url


async def test_an_update_is_checked_too(api, resolver):
    resolver["hooks.example.com"] = [PUBLIC]
    admin = await make_member(Role.ADMINISTRATOR)
    sub_id = (await _create(api, admin.token, "https://hooks.example.com/hook"))["subscription"]["id"]
    data = await api.ok(UPDATE, {"id": sub_id, "url": "https://127.0.0.1/hook"}, token=admin.token)
    assert data["webhookSubscriptionUpdate"]["userErrors"] == [{"code": "UNSAFE_URL"}]
    assert (await WebhookSubscription.get()).url == "https://hooks.example.com/hook"


async def test_a_host_that_turned_unsafe_is_not_called(api, resolver, settings):
    """Checked again before each delivery: a name that now resolves to loopback is not POSTed to."""
    resolver["hooks.example.com"] = [PUBLIC]
    admin = await make_member(Role.ADMINISTRATOR)
    await _create(api, admin.token, "https://hooks.example.com/hook")
    await make_event(admin.company.id)
    resolver["hooks.example.com"] = ["127.0.0.1"]
    assert await delivery.deliver_due(settings) == 0
    row = await WebhookDelivery.get()
    assert row.status == WebhookDeliveryStatus.RETRYING and row.last_response_status is None
    assert row.last_error == "This URL is not allowed: use https to a public address."


def test_development_allows_http_to_localhost_only(settings):
    development = settings.model_copy(update={"app_env": "development"})
    assert urls.shape(development, "http://127.0.0.1:18300/hook") == "http://127.0.0.1:18300/hook"
    assert urls.shape(development, " http://localhost/x ") == "http://localhost/x"
    with pytest.raises(Exception, match="not allowed"):
        urls.shape(development, "http://hooks.example.com/x")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        (PUBLIC, True),
        ("2606:4700:4700::1111", True),
        ("100.64.0.1", False),  # shared address space (carrier-grade NAT)
        ("::ffff:10.0.0.1", False),
        ("fe80::1%eth0", False),
        ("::", False),
        ("ff02::1", False),
    ],
)
def test_is_public(address, public):
    assert urls.is_public(address) is public
