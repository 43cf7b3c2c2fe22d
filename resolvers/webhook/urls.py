"""Where a webhook may POST: the SSRF rules, checked at creation, at update and before each delivery.

Outside development only https; in production every address the host resolves to must be a
public one (not loopback, private, link-local, multicast, reserved or unspecified), else
UNSAFE_URL. What is checked is the resolution of that moment: a host whose DNS answer changes
between the check and httpx's own connection (DNS rebinding) is not caught here.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit

from resolvers.core.errors import DomainError, ErrorCode
from resolvers.core.i18n import tr
from settings import Settings

MAX_URL = 2000  # the column's length
#: A resolver that does not answer within this many seconds makes the URL unsafe (unverifiable).
RESOLVE_TIMEOUT = 5.0
LOCAL_HOSTS = ("localhost",)


def _unsafe(field: Sequence[str] | None) -> DomainError:
    return DomainError(ErrorCode.UNSAFE_URL, tr("This URL is not allowed: use https to a public address."), field)


async def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to now, by the event loop's getaddrinfo."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_public(address: str) -> bool:
    """A globally routable unicast address; an IPv4 address mapped into IPv6 is judged as IPv4."""
    ip = ipaddress.ip_address(address.partition("%")[0])  # an IPv6 zone ("%eth0") is no part of it
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    special = ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved
    return ip.is_global and not (special or ip.is_unspecified)


def _is_loopback_host(host: str) -> bool:
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def shape(settings: Settings, url: str, field: Sequence[str] | None = None) -> str:
    """The trimmed URL if its form is allowed (no network): TOO_LONG past 2000 characters,
    INVALID unless http(s) with a host, UNSAFE_URL for http outside development or to another
    host than localhost."""
    url = url.strip()
    if len(url) > MAX_URL:
        raise DomainError(ErrorCode.TOO_LONG, tr("At most {count} characters.", count=MAX_URL), field)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not one
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise DomainError(ErrorCode.INVALID, tr("This is not a valid http or https URL."), field)
    if parts.scheme.lower() == "http" and (settings.production or not _is_loopback_host(parts.hostname)):
        raise _unsafe(field)
    return url


async def check(settings: Settings, url: str, field: Sequence[str] | None = None) -> str:
    """`shape`, then in production the host's addresses, resolved now: all public, else UNSAFE_URL
    (also when it does not resolve: what cannot be checked is not called)."""
    url = shape(settings, url, field)
    if not settings.production:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT):
            addresses = await resolve(host, parts.port or 443)
    except (OSError, TimeoutError, UnicodeError):
        raise _unsafe(field) from None
    if not addresses or not all(is_public(a) for a in addresses):
        raise _unsafe(field)
    return url
