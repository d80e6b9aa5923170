#!/usr/bin/env bash
# Builds Shuniu and runs the hub on its embedded defaults: 127.0.0.1:8480, store in ./var,
# the repository's Mappings/ and Certs/. Extra arguments go to `shuniu serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
Ops/install-deps.sh
swift build -c release --product shuniu
exec .build/release/shuniu serve "$@"
