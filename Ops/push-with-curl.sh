#!/usr/bin/env bash
# Signs a batch with openssl and posts it with curl: what a platform vendor's code must do.
#   SHUNIU_APP_SECRET=… Ops/push-with-curl.sh BATCH.json APP_KEY [HMAC-SHA256|HMAC-SM3] [HUB_URL]
# Canonical text, one item per line: METHOD, path, timestamp (Unix seconds), nonce, and the
# hex digest of the body (SHA-256 or SM3, matching the HMAC).
set -euo pipefail
body=${1:?batch file}
app_key=${2:?app key}
method=${3:-HMAC-SHA256}
url=${4:-http://127.0.0.1:8480}
: "${SHUNIU_APP_SECRET:?set SHUNIU_APP_SECRET to the app secret of the platform}"

case "$method" in
    HMAC-SHA256) digest=-sha256 ;;
    HMAC-SM3) digest=-sm3 ;;
    *) echo "method must be HMAC-SHA256 or HMAC-SM3" >&2; exit 2 ;;
esac

path=/api/v1/records
timestamp=$(date +%s)
nonce=$(cat /proc/sys/kernel/random/uuid)
body_digest=$(openssl dgst "$digest" -r "$body" | cut -d' ' -f1)
signature=$(printf 'POST\n%s\n%s\n%s\n%s' "$path" "$timestamp" "$nonce" "$body_digest" \
    | openssl dgst "$digest" -hmac "$SHUNIU_APP_SECRET" -r | cut -d' ' -f1)

curl -sS "$url$path" -H 'Content-Type: application/json' \
    -H "X-Shuniu-App-Key: $app_key" -H "X-Shuniu-Timestamp: $timestamp" -H "X-Shuniu-Nonce: $nonce" \
    -H "X-Shuniu-Signature-Method: $method" -H "X-Shuniu-Signature: $signature" \
    --data-binary @"$body" -w '\nHTTP %{http_code}\n'
