"""Build the whole site, every language edition, strictly, into one folder.

`make build`, `make site` and `make serve` run it, and so do the tests and benchmarks
that build the real site. The English edition (mkdocs.yml) goes into the folder, then
each other edition that mkdocs.yml's extra.alternate lists into its own place in it:
es/mkdocs.yml into site/es/. English comes first because its build empties the
folder, and the Spanish build adds its comment threads, sitemap and inline scripts to
what the English build wrote (see overrides/hooks/_editions.py). The environment
(SITE_URL, PRODUCTION_BUILD, ...) reaches every build.

    .venv/bin/python scripts/build_site.py [--site-dir site] [--quiet]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from mkdocs.utils.yaml import yaml_load

ROOT = Path(__file__).resolve().parent.parent


def editions(root: Path = ROOT) -> list[tuple[Path, str]]:
    """(config file, folder in the site) of each edition, the one at the site's root first."""
    with open(root / "mkdocs.yml", encoding="utf-8") as handle:
        config = yaml_load(handle)  # as MkDocs reads it
    found = []
    for entry in config["extra"]["alternate"]:
        folder = str(entry["link"]).strip("/")
        found.append((root / folder / "mkdocs.yml", folder))
    return sorted(found, key=lambda edition: edition[1] != "")


def build(site_dir: Path, quiet: bool = False) -> int:
    """Build each edition in turn; stop at the first that fails, with its exit code.

    Quiet keeps MkDocs' output unless the build fails: `mkdocs build --strict --quiet`
    would drop the warnings before strict mode counts them, and pass.
    """
    for config, folder in editions():
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)]
        command += ["-d", str(site_dir / folder)]
        done = subprocess.run(command, cwd=ROOT, check=False, capture_output=quiet, text=True)
        if done.returncode != 0:
            if quiet:
                sys.stderr.write(done.stdout + done.stderr)
            return done.returncode
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site", help="default: site/")
    parser.add_argument("--quiet", action="store_true", help="show MkDocs' output only when a build fails")
    args = parser.parse_args(argv)
    return build(args.site_dir.resolve(), args.quiet)


if __name__ == "__main__":
    sys.exit(main())
