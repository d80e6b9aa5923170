#!/usr/bin/env bash
# Replays, against a running hub on this machine, what an attacker tried (issue "Hardening"):
# forged keys, bodies that are not UTF-8 or name a member twice, deep nesting, oversized
# headers, key squatting, anonymous refusal floods. Each case says what it sent and whether the
# hub held; the run ends with a count and exits non-zero if any case did not hold.
#
#   Ops/attack.sh HUB_URL DATA_DIR [REFUSED_REQUESTS]
#
# HUB_URL must be a loopback address (127.0.0.1 or localhost): nothing else is ever sent to.
# DATA_DIR is the hub's data folder: platforms and a consumer are registered there with the
# `shuniu` CLI ($SHUNIU, default .build/release/shuniu, else .build/debug/shuniu), and the store's
# growth over REFUSED_REQUESTS unsigned pushes (default 10000) is measured there.
# Needs curl, openssl and python3; takes well under a minute for 10,000 refused requests.
set -euo pipefail
url=${1:?hub URL, such as http://127.0.0.1:8480}
data_dir=${2:?the data folder of the hub}
refused_requests=${3:-10000}
cd "$(dirname "$0")/.."

case "$url" in
    http://127.0.0.1:*|http://localhost:*) ;;
    *) echo "attack: $url is not a loopback address; this script sends only to 127.0.0.1" >&2; exit 2 ;;
esac
shuniu=${SHUNIU:-}
if [[ -z $shuniu ]]; then
    for candidate in .build/release/shuniu .build/debug/shuniu; do [[ -x $candidate ]] && shuniu=$candidate && break; done
fi
[[ -x $shuniu ]] || { echo "attack: no shuniu executable (build it, or set SHUNIU)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
held=0
failed=0

# held NAME CONDITION…: counts a case, printing what happened.
check() {
    local name=$1
    shift
    if "$@"; then
        held=$((held + 1)); echo "held    $name"
    else
        failed=$((failed + 1)); echo "FAILED  $name (status $status: $(head -c 300 "$work/answer"))"
    fi
}

# register ID DATASETS: a platform's app key and secret, from `shuniu platforms add`.
register() {
    "$shuniu" platforms add --data-dir "$data_dir" --id "$1" --name "攻击测试平台 $1" --certified-until 2099-12-31 \
        --datasets "$2" --requests-per-minute 100000 --operator attack-script > "$work/registered" 2>&1 ||
        { cat "$work/registered" >&2; exit 1; }
    awk '/app key:/ {print $3} /app secret:/ {print $3}' "$work/registered" | paste -sd' '
}

# send METHOD TARGET BODY_FILE APP_KEY SECRET [EXTRA_CURL_ARGS…]: signs (HMAC-SHA256) and sends;
# sets $status, the answer in $work/answer.
send() {
    local method=$1 target=$2 body=$3 key=$4 secret=$5
    shift 5
    local timestamp nonce digest signature
    timestamp=$(date +%s)
    nonce=$(cat /proc/sys/kernel/random/uuid)
    digest=$(openssl dgst -sha256 -r "$body" | cut -d' ' -f1)
    signature=$(printf '%s\n%s\n%s\n%s\n%s' "$method" "$target" "$timestamp" "$nonce" "$digest" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
    status=$(curl -sS -o "$work/answer" -w '%{http_code}' -X "$method" "$url$target" -H 'Content-Type: application/json' \
        -H "X-Shuniu-App-Key: $key" -H "X-Shuniu-Timestamp: $timestamp" -H "X-Shuniu-Nonce: $nonce" \
        -H "X-Shuniu-Signature-Method: HMAC-SHA256" -H "X-Shuniu-Signature: $signature" --data-binary @"$body" "$@")
}

answered() { [[ $status == "$1" ]] && grep -q "\"$2\"" "$work/answer"; }
store_bytes() { cat "$data_dir"/shuniu.sqlite "$data_dir"/shuniu.sqlite-wal 2>/dev/null | wc -c; }

read -r owner_key owner_secret <<< "$(register E4201000001 500,501,502,503)"
read -r squatter_key squatter_secret <<< "$(register E4201000002 500,501,502,503)"

# A batch of one valid 500 record from the first sample batch, its PROJECT_CODE replaced
# (JSON escapes such as \u0000 in the argument are read as JSON reads them).
project() {
    python3 - "$1" <<'PY'
import json, sys
batch = json.load(open("Ops/samples/first-batch.json"))
record = next(r for r in batch["records"] if r["dataset"] == "500")
record["data"]["PROJECT_CODE"] = json.loads('"' + sys.argv[1] + '"')
print(json.dumps({"records": [record]}, ensure_ascii=False))
PY
}

# 1. A NUL byte (and other invisible characters) in a key.
project 'E4201000001000001\u0000' > "$work/nul.json"
send POST /api/v1/records "$work/nul.json" "$owner_key" "$owner_secret"
check "a key ending in \\u0000 is refused (field.control_character)" answered 422 field.control_character
project 'E42010\u200b00001000001' > "$work/zwsp.json"
send POST /api/v1/records "$work/zwsp.json" "$owner_key" "$owner_secret"
check "a key holding U+200B is refused" answered 422 field.control_character

# 2. Bodies that are not UTF-8, or name a member twice.
project E4201000001000001 > "$work/good.json"
python3 -c 'import sys; open(sys.argv[2], "wb").write(open(sys.argv[1], encoding="utf-8").read().encode("utf-16"))' "$work/good.json" "$work/utf16.json"
send POST /api/v1/records "$work/utf16.json" "$owner_key" "$owner_secret"
check "a UTF-16 body with a byte-order mark is refused (request.not_utf8)" answered 400 request.not_utf8
sed 's/"PROJECT_CODE": "E4201000001000001"/"PROJECT_CODE": "E4201000001000001", "PROJECT_CODE": "E4201000001999999"/' "$work/good.json" > "$work/twice.json"
send POST /api/v1/records "$work/twice.json" "$owner_key" "$owner_secret"
check "an object naming PROJECT_CODE twice is refused (request.duplicate_key)" answered 400 request.duplicate_key

# 3. Deep nesting: refused at once, and /healthz answers while three such bodies arrive.
python3 -c 'print("{\"records\": [" + "[" * 500 + "]" * 500 + "]}")' > "$work/deep.json"
started=$(date +%s%N)
send POST /api/v1/records "$work/deep.json" "$owner_key" "$owner_secret"
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
check "depth 500 is refused (request.nesting_too_deep) in ${elapsed_ms} ms" answered 400 request.nesting_too_deep
python3 -c 'print("{\"records\": [{\"dataset\": \"500\", \"data\": " + "{\"a\": " * 3000 + "1" + "}" * 3000 + "}]}")' > "$work/deeper.json"
for _ in 1 2 3; do (send POST /api/v1/records "$work/deeper.json" "$owner_key" "$owner_secret") & done
status=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 2 "$url/healthz" || echo timeout)
wait
check "/healthz answers within 2 s while three signed deep bodies arrive" test "$status" = 200

# 4. An oversized header is refused without being echoed or stored.
huge=$(head -c 61440 /dev/zero | tr '\0' k)
status=$(curl -sS -o "$work/answer" -w '%{http_code}' "$url/api/v1/records" -H "X-Shuniu-App-Key: $huge" -H 'X-Shuniu-Timestamp: 0' \
    -H 'X-Shuniu-Nonce: n' -H 'X-Shuniu-Signature-Method: HMAC-SHA256' -H 'X-Shuniu-Signature: 00' --data-binary @"$work/good.json")
check "a 60 KB app key is refused (auth.header_too_long) in a short answer" eval 'answered 401 auth.header_too_long && (( $(wc -c < "$work/answer") < 1024 ))'

# 5. An unknown app key is answered exactly as a bad signature.
send POST /api/v1/records "$work/good.json" ak-nobody "$owner_secret"
cp "$work/answer" "$work/unknown"
send POST /api/v1/records "$work/good.json" "$owner_key" guessed
check "an unknown app key and a bad signature get the same answer" eval 'answered 401 auth.bad_signature && cmp -s "$work/unknown" "$work/answer"'

# 6. Key squatting: another platform's 交易平台标识码 at the head of a project code.
project E4201000001777777 > "$work/squat.json"
send POST /api/v1/records "$work/squat.json" "$squatter_key" "$squatter_secret"
check "E4201000002 may not file E4201000001777777 (record.code_of_other_platform)" answered 422 record.code_of_other_platform
send POST /api/v1/records "$work/squat.json" "$owner_key" "$owner_secret"
check "E4201000001 files its own E4201000001777777" answered 200 accepted

# 7. A half-sent request head does not hold a connection: closed after server.headerTimeoutSeconds (10 s).
started=$(date +%s)
closed=$(python3 - "${url##*:}" <<'PY'
import socket, sys
connection = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
connection.sendall(b"POST /api/v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\n")
connection.settimeout(30)
try:
    print("closed" if connection.recv(1) == b"" else "answered")
except (socket.timeout, ConnectionResetError) as error:
    print("closed" if isinstance(error, ConnectionResetError) else "still open after 30 s")
PY
)
status="$closed after $(( $(date +%s) - started )) s"
check "a half-sent request head is closed unanswered ($status)" test "$closed" = closed

# 8. Anonymous refusals cost little on disk, and a flooding address is turned away unread.
before=$(store_bytes)
for ((i = 0; i < refused_requests; i++)); do printf 'url = "%s/api/v1/records"\noutput = "/dev/null"\n' "$url"; done > "$work/flood.curl"
flood_started=$(date +%s%N)
curl -sS -Z --parallel-max 16 -K "$work/flood.curl" -H "X-Shuniu-App-Key: $huge" --data-binary @"$work/good.json" -w '%{http_code}\n' > "$work/flood.statuses" 2>/dev/null || true
flood_seconds=$(( ($(date +%s%N) - flood_started) / 1000000000 ))
growth=$(( $(store_bytes) - before ))
counts=$(sort "$work/flood.statuses" | uniq -c | awk '{printf "%s×%s ", $1, $2}')
echo "        $refused_requests refused requests in ${flood_seconds} s (${counts% }): the store grew by $growth bytes"
status=$growth
check "the store grew by less than 256 KB over $refused_requests refused requests" eval '(( growth < 262144 ))'

echo "attack: $held cases held, $failed did not"
((failed == 0))
