"""Where the `videomock` server binary is: the one asked for, $VIDEOMOCK_BINARY, the one this
package carries (platform wheels for Linux x86_64 do), or `videomock` on PATH."""
import os
import shutil
from pathlib import Path
from typing import Optional

from ._version import __version__

_BUNDLED = Path(__file__).parent / "_bundle" / "bin" / "videomock"


class BinaryNotFound(RuntimeError):
    """No `videomock` binary to start."""

    @staticmethod
    def guidance() -> str:
        return (
            "no videomock server binary here. This package carries one only in its Linux x86_64 wheel "
            "(pip install videomock on Linux x86_64); elsewhere get one from the release archive "
            f"videomock-{__version__}-linux-x86_64.tar.gz, run the container image, or build it from source "
            "(make build in the VideoMock checkout; it lands in .build/release/videomock); then set "
            "VIDEOMOCK_BINARY to its path or put it on PATH. Or attach to a running server with VIDEOMOCK_URL")


def bundled_binary() -> Optional[str]:
    """The binary this package carries, if it does."""
    return str(_BUNDLED) if os.access(_BUNDLED, os.X_OK) else None


def find_binary(binary: Optional[str] = None) -> str:
    """`binary`, else $VIDEOMOCK_BINARY, else the bundled binary, else `videomock` on PATH (not
    this package's own console script, which only runs the bundled one)."""
    candidate = binary or os.environ.get("VIDEOMOCK_BINARY") or bundled_binary() or _on_path()
    if not candidate or not os.path.isfile(candidate) or not os.access(candidate, os.X_OK):
        where = f" (looked for {candidate})" if candidate else ""
        raise BinaryNotFound(f"cannot start VideoMock{where}: {BinaryNotFound.guidance()}")
    return candidate


def _on_path() -> Optional[str]:
    found = shutil.which("videomock")
    if found is None:
        return None
    # A console script of this package is Python text, not the server.
    with open(found, "rb") as file:
        return None if file.read(2) == b"#!" else found
