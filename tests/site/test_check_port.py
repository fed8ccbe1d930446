"""scripts/check_port.py: `make serve` and `make preview` say at once, in one line, that the port is taken."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
from collections.abc import Iterator
from types import ModuleType

import pytest

from tests.e2e.conftest import free_port
from tests.site.pages import ROOT


@pytest.fixture(scope="module")
def check_port() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_port", ROOT / "scripts" / "check_port.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port of 127.0.0.1 that another server is listening on."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield int(server.getsockname()[1])


def test_a_free_port_passes_and_a_listening_one_does_not(check_port: ModuleType, busy_port: int) -> None:
    assert check_port.problem("127.0.0.1", free_port()) is None
    assert check_port.problem("127.0.0.1", busy_port) == "in use"


def test_the_message_names_the_port_and_a_free_one_to_use_instead(
    check_port: ModuleType, busy_port: int
) -> None:
    message = check_port.message("127.0.0.1", busy_port, "make serve", "in use")
    assert f"port {busy_port} on 127.0.0.1 is already in use" in message
    other = int(message.rsplit("PORT=", 1)[1])
    assert other != busy_port
    assert check_port.problem("127.0.0.1", other) is None


def test_an_address_that_is_not_this_machines_is_named(check_port: ModuleType) -> None:
    reason = check_port.problem("192.0.2.1", free_port())  # TEST-NET-1: never a local address
    assert reason is not None
    assert "cannot listen on 192.0.2.1" in check_port.message("192.0.2.1", 8000, "make serve", reason)


@pytest.mark.parametrize("target", ["serve", "preview"])
def test_make_says_the_port_is_busy_before_building(busy_port: int, target: str) -> None:
    done = subprocess.run(
        ["make", target, f"PORT={busy_port}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    ours = [line for line in done.stderr.splitlines() if line.startswith(f"make {target}:")]
    assert len(ours) == 1, done.stderr
    assert f"port {busy_port} on 127.0.0.1 is already in use" in ours[0]
    assert f"make {target} PORT=" in ours[0]
    output = done.stdout + done.stderr
    assert "mkdocs" not in output  # nothing was built: the check came first
    assert "Serving on" not in output
