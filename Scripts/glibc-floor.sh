#!/usr/bin/env bash
# The oldest glibc a binary runs on: the highest GLIBC_x.y version it references.
# Usage: Scripts/glibc-floor.sh BINARY   (prints e.g. 2.35)
set -euo pipefail
objdump -T "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n -k3,3n | tail -1
