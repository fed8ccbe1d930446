"""The sample nginx site (deploy/nginx.conf) counts clients as the service does.

nginx itself is not installed for the tests; its `map` of client keys is read from
the file and applied to real addresses here, as nginx applies it to
$binary_remote_addr (4 bytes for IPv4, 16 for IPv6).
"""

from __future__ import annotations

import ipaddress
import re

import pytest

from comments_service.core.clients import client_group
from tests.conftest import ROOT

CONF = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")


def block(header: str) -> str:
    """The body of the block that starts with `header` (a map or a location)."""
    found = re.search(re.escape(header) + r"\s*\{(.*?)\n\s*\}", CONF, re.DOTALL)
    assert found, f"no `{header}` block in deploy/nginx.conf"
    return found.group(1)


def nginx_client(address: str) -> bytes:
    """What the map $comments_client gives for a client at `address`."""
    packed = ipaddress.ip_address(address).packed
    for line in block("map $binary_remote_addr $comments_client").strip().splitlines():
        pattern, value = line.split("#")[0].rstrip().removesuffix(";").split()
        if pattern == "default":
            assert value == "$binary_remote_addr"
            return packed
        matched = re.match(pattern.strip('"').removeprefix("~").encode(), packed)
        if matched:
            return matched.group(value.removeprefix("$"))
    raise AssertionError("the map has no default")


def service_client(address: str) -> bytes:
    network = ipaddress.ip_network(client_group(address, 64), strict=False)
    return network.network_address.packed[: 4 if network.version == 4 else 8]


@pytest.mark.parametrize(
    "address",
    ["2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:3::1", "::1", "198.51.100.7"],
)
def test_nginx_counts_a_client_as_the_service_does(address: str) -> None:
    assert nginx_client(address) == service_client(address)


def test_one_ipv6_64_is_one_client_for_nginx() -> None:
    assert nginx_client("2001:db8:1:2::1") == nginx_client("2001:db8:1:2:a:b:c:d")
    assert nginx_client("2001:db8:1:2::1") != nginx_client("2001:db8:1:3::1")
    assert nginx_client("198.51.100.7") != nginx_client("198.51.100.8")


@pytest.mark.parametrize(
    ("map_", "zone"), [("$comment_post_client", "comment_posts"), ("$login_client", "logins")]
)
def test_post_and_sign_in_limits_count_that_client(map_: str, zone: str) -> None:
    assert "POST    $comments_client;" in block(f"map $request_method {map_}")
    assert re.search(rf"limit_req_zone {re.escape(map_)} zone={zone}:", CONF)


def test_the_moderator_sign_in_is_rate_limited() -> None:
    login = block("location = /admin/login")
    assert "limit_req zone=logins" in login
    assert "limit_req_status 429;" in login
    assert "proxy_pass http://comments;" in login


def test_nginx_sends_the_builds_own_gzip_form_of_material_assets() -> None:
    """The build writes `<file>.gz` by zopfli beside each fingerprinted asset
    (overrides/hooks/precompress.py); gzip_static sends it instead of compressing anew."""
    assert "gzip_static on;" in block('location ~* "\\.[0-9a-f]{8}\\.min\\.(css|js)$"')
