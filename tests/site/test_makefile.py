"""The Makefile's serve and build targets: `make build` never replaces what `make serve` serves."""

from __future__ import annotations

import shlex
import subprocess

from tests.site.pages import ROOT


def commands(*argv: str) -> list[list[str]]:
    """The commands `make ARGV` would run (make -n), split like a shell would."""
    done = subprocess.run(["make", "-s", "-n", *argv], cwd=ROOT, capture_output=True, text=True, check=True)
    return [shlex.split(line) for line in done.stdout.splitlines() if line.strip()]


def option(command: list[str], name: str) -> str | None:
    return command[command.index(name) + 1] if name in command else None


def test_make_serve_builds_and_serves_a_folder_of_its_own() -> None:
    # Both editions are built by scripts/build_site.py (English into the folder, Spanish into es/).
    build, serve = (
        next(c for c in commands("serve") if word in c) for word in ("scripts/build_site.py", "serve")
    )
    assert option(build, "--site-dir") == "var/serve-site"
    assert option(serve, "--site") == "var/serve-site"
    make_build = next(c for c in commands("build") if "scripts/build_site.py" in c)
    assert option(make_build, "--site-dir") in (None, "site")  # build_site.py's default: site/


def test_make_serve_takes_the_port_for_the_check_the_address_and_the_server() -> None:
    check, build, serve = commands("serve", "PORT=8124")
    assert check[-3:] == ["127.0.0.1", "8124", "make serve"]
    assert "SITE_URL=http://127.0.0.1:8124/" in build
    assert option(serve, "--port") == "8124"
