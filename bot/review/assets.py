"""GOV.UK Frontend's compiled styles, scripts, fonts and images for the review app.

They come from the `govuk-frontend` package on the npm registry, pinned to the release that
govuk-frontend-jinja's macros are tested against, and checked against the registry's sha512
before anything is unpacked. Fetching them with Python keeps Node.js off the list of things a
machine needs: `make demo` and `make test` run this once (`python -m bot.review.assets`).
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "6.3.0"
TARBALL = f"https://registry.npmjs.org/govuk-frontend/-/govuk-frontend-{VERSION}.tgz"
INTEGRITY = "sha512-cXIQxm5PHCsbic47GXZrVBZhAeeshTLRL6ZBKilLsR6rMCjJuWb7Fruq0VUNMBJFlJk/srsRj/q8d5bM9cgKoA=="
# What the pages use from the package (everything else in it is Sass sources and docs). The
# GDS Transport font is only for services on gov.uk domains, so it is left out.
PREFIX = "package/dist/govuk/"
WANTED = ("govuk-frontend.min.css", "govuk-frontend.min.js", "assets/images/", "assets/manifest")
CSS = "govuk-frontend.min.css"
FONT_FACE = re.compile(rb"@font-face\{font-family:GDS Transport;[^}]*\}")

STATIC = Path(__file__).parent / "static"
TARGET = STATIC / "govuk"
MARKER = TARGET / "VERSION"
# Changes whenever what is unpacked changes, so `make` unpacks again.
BUILD = f"{VERSION} arial"


class AssetsMissing(RuntimeError):
    pass


def installed() -> bool:
    return MARKER.exists() and MARKER.read_text().strip() == BUILD


def _check(data: bytes) -> None:
    algorithm, _, expected = INTEGRITY.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise AssetsMissing(f"govuk-frontend {VERSION} from the registry failed its sha512 check")


def without_transport(css: bytes) -> bytes:
    """What compiling GOV.UK Frontend's Sass with `$govuk-font-family: arial, sans-serif` and
    `$govuk-include-default-font-face: false` gives, done on the compiled file."""
    css = FONT_FACE.sub(b"", css)
    return css.replace(
        b"font-family:GDS Transport,arial,sans-serif", b"font-family:arial,sans-serif"
    )


def fetch(url: str = TARBALL) -> None:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (fixed https URL)
        data = response.read()
    _check(data)
    staging = TARGET.with_name("govuk.partial")
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith(PREFIX):
                continue
            relative = member.name[len(PREFIX) :]
            if not relative.startswith(WANTED) or ".." in Path(relative).parts:
                continue
            out = staging / relative
            out.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            content = source.read()
            if relative == CSS:
                content = without_transport(content)
            out.write_bytes(content)
    (staging / "VERSION").write_text(BUILD + "\n")
    shutil.rmtree(TARGET, ignore_errors=True)
    staging.rename(TARGET)


def main() -> int:
    if installed():
        return 0
    try:
        fetch()
    except (OSError, AssetsMissing) as exc:
        print(f"Could not fetch GOV.UK Frontend {VERSION} from the npm registry: {exc}")
        return 1
    print(f"GOV.UK Frontend {VERSION} installed in {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
