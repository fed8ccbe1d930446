"""Who the client is: its address behind trusted proxies, and what the limits count it as.

The address itself is never stored: rate limits and the login lockout count by a
keyed HMAC of the client's group (an IPv4 address, or the IPv6 network around one).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from .tokens import Signer

FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: list[str]) -> str:
    """The real client: X-Forwarded-For is believed only when the peer is a trusted proxy."""

    def trusted(address: str) -> bool:
        return _trusted(_ip(address), trusted_proxies)

    address = peer or "unknown"
    if not forwarded_for or not trusted(address):
        return address
    # Walk back from the nearest hop; the first address that is not our proxy is the client.
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        if not trusted(hop):
            return hop
        address = hop
    return address


def untrusted_local_proxy(peer: str | None, headers: Mapping[str, str], trusted_proxies: list[str]) -> bool:
    """A proxy on this machine forwards requests, but COMMENTS_TRUSTED_PROXIES does not name it.

    Then every visitor has the proxy's address: one flooder uses everyone's posting
    limit, and a few wrong passwords lock every moderator out.
    """
    ip = _ip(peer or "")
    if ip is None or not ip.is_loopback or _trusted(ip, trusted_proxies):
        return False
    return any(headers.get(name) for name in FORWARDING_HEADERS)


def client_group(address: str, ipv6_prefix: int) -> str:
    """Who a limit counts as one client: an IPv4 address, or the IPv6 network around one.

    A home or a phone usually gets a whole /64 of IPv6 addresses: counted one address
    at a time, one client would have billions of allowances. Every spelling of an
    address counts the same (case, zero compression, IPv4 written as IPv6).
    """
    ip = _ip(address)
    if ip is None:
        return address
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip)
    return str(ipaddress.IPv6Network((int(ip), ipv6_prefix), strict=False))


def client_key(signer: Signer, address: str, ipv6_prefix: int) -> str:
    """What rate limits and the login lockout count by: a keyed fingerprint of the client."""
    return signer.client_key(client_group(address, ipv6_prefix))


def _trusted(ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None, trusted_proxies: list[str]) -> bool:
    return ip is not None and any(
        ip in ipaddress.ip_network(proxy, strict=False) for proxy in trusted_proxies
    )


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address, with an IPv4 address written as IPv6 (::ffff:a.b.c.d) as plain IPv4."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip
