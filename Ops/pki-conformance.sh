#!/usr/bin/env bash
# Runs ShuniuTrust's certificate-chain verification over independent PKI test material and prints
# every disagreement with the expected outcome, then "N passed, N failed" per suite:
#   NIST PKITS  FOLDER/nist-pkits/pkits-manifest.json  (tiers core, policy, extended-crl, openssl-divergent)
#   SM2         FOLDER/sm2/sm2-manifest.json           (Tongsuo chains, plus cases from its notes)
#
#   Ops/pki-conformance.sh FOLDER [--verbose]   (--verbose prints every case) e.g. Ops/pki-conformance.sh ../shared/testdata/pki
#
# Builds the shuniu-conformance executable in release mode into .build-release (set
# SHUNIU_CONFORMANCE_CONFIG=debug to reuse the faster debug build in .build instead).
# Exit status: 0 when PKITS core and SM2 agree completely, 1 on any disagreement there,
# 2 when FOLDER cannot be read. The other PKITS tiers are reported without failing the run.
set -euo pipefail

(($# >= 1)) || { echo "usage: $0 FOLDER [--verbose]   (e.g. ../shared/testdata/pki)" >&2; exit 2; }
folder=$(cd "$1" && pwd) || { echo "$0: no folder $1" >&2; exit 2; }
shift
cd "$(dirname "$0")/.."

config=${SHUNIU_CONFORMANCE_CONFIG:-release}
case $config in
    release) scratch=.build-release ;;
    debug) scratch=.build ;;
    *) echo "$0: SHUNIU_CONFORMANCE_CONFIG must be release or debug" >&2; exit 2 ;;
esac

swift build -c "$config" --scratch-path "$scratch" --product shuniu-conformance >&2
exec "$(swift build -c "$config" --scratch-path "$scratch" --show-bin-path)/shuniu-conformance" "$folder" "$@"
