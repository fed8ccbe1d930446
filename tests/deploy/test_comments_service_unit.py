"""The sample systemd unit (deploy/comments.service) lets the service write what it must."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT


def test_the_sample_unit_runs_the_service_where_it_may_write_its_secret():
    unit = dict(
        line.split("=", 1)
        for line in (ROOT / "deploy" / "comments.service").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    writable = [f"/var/lib/{unit['StateDirectory']}", *unit.get("ReadWritePaths", "").split()]
    assert unit["ProtectSystem"] == "strict"
    # resolved_secret() writes var/secret.key below the working directory.
    secret_file = Path(unit["WorkingDirectory"]) / "var" / "secret.key"
    assert any(secret_file.is_relative_to(path.lstrip("-")) for path in writable), (secret_file, writable)
