#!/usr/bin/env bash
# Writes the checked-out commit into Sources/ShuniuApp/BuildCommit.swift, so that a release
# build's `shuniu --version` and `shuniu_build_info` name it (a "-dirty" suffix when the tree has
# changes). `--restore` puts the repository's "unknown" back. Run it before `swift build -c release`.
set -euo pipefail
cd "$(dirname "$0")/.."
file=Sources/ShuniuApp/BuildCommit.swift
if [[ "${1:-}" == "--restore" ]]; then
    commit=unknown
else
    commit=$(git rev-parse --short=12 HEAD)
    git diff --quiet HEAD -- . ":(exclude)$file" || commit="$commit-dirty"
fi
sed -i -E "s/(static let value = )\"[^\"]*\"/\1\"$commit\"/" "$file"
echo "build commit: $commit"
