"""`videomock` on the command line: runs the server binary the package carries (or the one
$VIDEOMOCK_BINARY names) with the same arguments: `videomock serve`, `videomock verdict`,
`videomock --version`."""
import os
import sys

from .binary import BinaryNotFound, bundled_binary


def main() -> None:
    binary = os.environ.get("VIDEOMOCK_BINARY") or bundled_binary()
    if not binary:
        print(f"videomock: {BinaryNotFound.guidance()}", file=sys.stderr)
        sys.exit(2)
    os.execv(binary, [binary, *sys.argv[1:]])


if __name__ == "__main__":
    main()
