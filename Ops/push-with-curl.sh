#!/usr/bin/env bash
# Signs a batch with openssl and posts it with curl: what a platform vendor's code must do.
#   SHUNIU_APP_SECRET=… Ops/push-with-curl.sh BATCH.json APP_KEY [HMAC-SHA256|HMAC-SM3] [HUB_URL]
#   SHUNIU_CERTIFICATE=org-sign.pem SHUNIU_KEY=org-sign.key \
#       Ops/push-with-curl.sh BATCH.json - SM2-SM3|RSA-SHA256|ECDSA-SHA256 [HUB_URL]
# Canonical text, one item per line: METHOD, path, timestamp (Unix seconds), nonce, and the
# hex digest of the body (SM3 for HMAC-SM3 and SM2-SM3, SHA-256 otherwise). HMAC signs it with
# the app secret (hex); a certificate's key signs it (base64: PKCS#1 v1.5 for RSA, DER for ECDSA
# and SM2, SM2 with the CA's distinguishing ID, SHUNIU_SM2_ID, 1234567812345678 by default), and
# X-Shuniu-Certificate names the certificate by the SHA-256 of its DER.
set -euo pipefail
body=${1:?batch file}
app_key=${2:?app key, or - when signing with a certificate}
method=${3:-HMAC-SHA256}
url=${4:-http://127.0.0.1:8480}

case "$method" in
    HMAC-SHA256|RSA-SHA256|ECDSA-SHA256) digest=-sha256 ;;
    HMAC-SM3|SM2-SM3) digest=-sm3 ;;
    *) echo "method must be HMAC-SHA256, HMAC-SM3, SM2-SM3, RSA-SHA256 or ECDSA-SHA256" >&2; exit 2 ;;
esac

path=/api/v1/records
timestamp=$(date +%s)
nonce=$(cat /proc/sys/kernel/random/uuid)
body_digest=$(openssl dgst "$digest" -r "$body" | cut -d' ' -f1)
canonical() { printf 'POST\n%s\n%s\n%s\n%s' "$path" "$timestamp" "$nonce" "$body_digest"; }

case "$method" in
    HMAC-*)
        : "${SHUNIU_APP_SECRET:?set SHUNIU_APP_SECRET to the app secret of the platform}"
        signature=$(canonical | openssl dgst "$digest" -hmac "$SHUNIU_APP_SECRET" -r | cut -d' ' -f1)
        credential=(-H "X-Shuniu-App-Key: $app_key")
        ;;
    *)
        : "${SHUNIU_CERTIFICATE:?set SHUNIU_CERTIFICATE to the registered certificate (PEM)}"
        : "${SHUNIU_KEY:?set SHUNIU_KEY to its private key (PEM)}"
        options=()
        [[ $method == SM2-SM3 ]] && options=(-sigopt "distid:${SHUNIU_SM2_ID:-1234567812345678}")
        signature=$(canonical | openssl dgst "$digest" -sign "$SHUNIU_KEY" "${options[@]}" | base64 -w0)
        fingerprint=$(openssl x509 -in "$SHUNIU_CERTIFICATE" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
        credential=(-H "X-Shuniu-Certificate: $fingerprint")
        ;;
esac

curl -sS "$url$path" -H 'Content-Type: application/json' "${credential[@]}" \
    -H "X-Shuniu-Timestamp: $timestamp" -H "X-Shuniu-Nonce: $nonce" \
    -H "X-Shuniu-Signature-Method: $method" -H "X-Shuniu-Signature: $signature" \
    --data-binary @"$body" -w '\nHTTP %{http_code}\n'
