"""Where a register entry may link: its publisher's own domains, a DOI, or a PubMed/PMC record.

A reader who follows a citation must land on the publisher's page, not on a copy,
mirror or summary that may differ from it. data/publishers.yml lists each
publisher's domains; every entry of the sources register names its publisher
exactly as written there. Two entries with the same page or the same DOI are one
source under two keys, which numbers one work twice on a page: that is refused too.
Not a hook itself (MkDocs only loads the files listed under `hooks:`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

DOI_HOSTS = {"doi.org", "dx.doi.org"}
DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def load(data: dict[str, Any]) -> tuple[dict[str, list[str]], list[str]]:
    """The publishers' domains and the hosts any publisher may use, from publishers.yml."""
    publishers = {
        str(name): [str(domain).lower() for domain in domains or []]
        for name, domains in (data.get("publishers") or {}).items()
    }
    return publishers, [str(host).lower() for host in data.get("any_publisher") or []]


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def link_problem(
    entry: dict[str, Any], publishers: dict[str, list[str]], any_publisher: list[str]
) -> str | None:
    """Why this entry's url is not on its publisher's domains, or None when it is."""
    publisher = str(entry.get("publisher") or "").strip()
    url = str(entry.get("url") or "")
    if not publisher or not url:
        return None  # reported as a missing field
    if publisher not in publishers:
        return (
            f"publisher '{publisher}' is not in data/publishers.yml; write the name as it is "
            "listed there, or add the publisher with the domains it owns (never a copy host)"
        )
    host = host_of(url)
    path = urlsplit(url).path
    if _on_domains(host, publishers[publisher]) or _on_records(host, path, any_publisher):
        return None
    domains = ", ".join(publishers[publisher]) or "none listed"
    return (
        f"url host {host} is not a domain of {publisher} ({domains}); link the publisher's own "
        "page, its DOI (https://doi.org/...) or its PubMed/PMC record, never a copy or summary"
    )


def duplicates(sources: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(key, earlier key, what they share) for each entry that repeats an earlier link or DOI."""
    seen: dict[str, str] = {}
    for key, entry in sources.items():
        if not isinstance(entry, dict):
            continue
        for identity in _identities(entry):
            if identity in seen and seen[identity] != key:
                yield str(key), seen[identity], identity
            else:
                seen.setdefault(identity, str(key))


def normal_doi(value: str) -> str | None:
    """A DOI in one spelling (DOIs are case-insensitive), or None if it is not one."""
    doi = unquote(value).strip().removeprefix("doi:").strip().lower()
    return doi if DOI.match(doi) else None


def _identities(entry: dict[str, Any]) -> list[str]:
    """What makes two entries the same source: the page (scheme, www. and a trailing
    slash ignored; doi.org and dx.doi.org alike) and the DOI."""
    found: list[str] = []
    url = str(entry.get("url") or "").strip()
    if url:
        parts = urlsplit(url)
        host = host_of(url)
        doi = normal_doi(parts.path.lstrip("/")) if host in DOI_HOSTS else None
        if doi:
            found.append(f"DOI {doi}")
        else:
            query = f"?{parts.query}" if parts.query else ""
            found.append(f"link {host}{parts.path.rstrip('/')}{query}")
    if entry.get("doi"):
        doi = normal_doi(str(entry["doi"]))
        if doi and f"DOI {doi}" not in found:
            found.append(f"DOI {doi}")
    return found


def _on_domains(host: str, domains: list[str]) -> bool:
    return any(host == domain or host.endswith(f".{domain}") for domain in domains)


def _on_records(host: str, path: str, records: list[str]) -> bool:
    for record in records:
        record_host, _, record_path = record.partition("/")
        if host == record_host.removeprefix("www.") and path.startswith(f"/{record_path}"):
            return True
    return False
