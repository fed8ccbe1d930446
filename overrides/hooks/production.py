"""A production build (`make site`) refuses the local defaults a preview build runs on.

`make build`, `make serve` and the tests build with the defaults of mkdocs.yml: the site
at http://127.0.0.1:8000/, a placeholder contact address and a local social image.
Published, they would point canonical links, the sitemap, robots.txt, the feed and
the structured data at a reader's own machine. With PRODUCTION_BUILD=true
(`extra.production`) each one still at a local or placeholder value is named on one
line, and the build stops before it writes anything.
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks")

# Names reserved for documentation and local use (RFC 2606, RFC 6761): never a real site.
PLACEHOLDER_DOMAINS = ("localhost", "example.org", "example.com", "example.net", "test", "invalid")
PLACEHOLDER_EMAIL = "editor@example.org"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not config.extra.get("production"):
        return config
    problems = check(config)
    for problem in problems:
        log.error("production build: %s", problem)
    if problems:
        raise PluginError(
            f"production build refused: {len(problems)} setting(s) above still hold local values"
        )
    return config


def check(config: MkDocsConfig) -> list[str]:
    """One line per setting that still holds a local or placeholder value."""
    problems = []
    site = str(config.site_url or "")
    if is_local(site):
        problems.append(
            f"site_url is {site or 'empty'}; set SITE_URL to the site's public address, "
            "e.g. SITE_URL=https://<your domain>/"
        )
    elif urlsplit(site).scheme != "https":
        problems.append(
            f"site_url is {site}; a public site is served over HTTPS, so start SITE_URL with https://"
        )
    email = str(config.extra.get("contact_email") or "")
    if email == PLACEHOLDER_EMAIL or is_placeholder_host(email.rpartition("@")[2]):
        problems.append(
            f"contact_email is {email or 'empty'}; set CONTACT_EMAIL to the editors' real address"
        )
    rss = config.plugins.get("rss")
    image = str(getattr(getattr(rss, "config", None), "image", "") or "")
    elsewhere = not is_local(site) and urlsplit(image).netloc != urlsplit(site).netloc
    if rss is not None and (is_local(image) or elsewhere):
        own = site.rstrip("/") if not is_local(site) else "https://<your domain>"
        problems.append(
            f"the feed's social image is {image or 'empty'}, not on site_url; "
            f"set SITE_URL_SOCIAL_IMAGE to {own}/{config.extra['social_image']}"
        )
    return problems


def is_local(url: str) -> bool:
    return is_placeholder_host(urlsplit(url).hostname or "")


def is_placeholder_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    if not host:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return any(host == domain or host.endswith("." + domain) for domain in PLACEHOLDER_DOMAINS)
    return address.is_loopback or address.is_private or address.is_unspecified or address.is_link_local
