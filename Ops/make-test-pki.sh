#!/usr/bin/env bash
# Generates Shuniu's own TEST PKI: three recognized CAs (RSA, ECDSA, SM2) in the Certs/ trust-list
# layout, an unrecognized CA, leaf certificates for good and bad cases, CRLs, detached signatures
# of a sample text, and cases.json that says what a verifier must conclude for each case.
#
#   Ops/make-test-pki.sh OUT_DIR [--crl-base http://127.0.0.1:PORT/crl]
#
# Needs only bash, coreutils and the `openssl` command (3.0 or later). Keys are fresh on every
# run; names, identities, file layout and cases are always the same. Dates are relative to now,
# so regenerate rather than keep the output. NEVER trust any of these keys outside tests.
#
# OUT_DIR/
#   trust/<ca-id>/{ca.yaml,root.pem,intermediate.pem}   demo-rsa, demo-ecdsa, demo-sm2 (as Certs/)
#   crl/<ca-id>/{root,intermediate,…}.crl               DER; serve OUT_DIR/crl at --crl-base
#   leaves/<ca-id>/<case>.{pem,key}                      PEM certificate, unencrypted PKCS#8 key
#   chain/demo-rsa/intermediate-2.pem                    only for the chain-supplied case
#   untrusted/{root,intermediate}.pem                    the CA that is not in trust/
#   data/sample.txt, data/<ca-id>/<case>.sample.{sig,pss.sig,p7s}
#   cases.json                                           see write_cases_json at the bottom
#   work/                                                CA keys and openssl ca databases
#
# SM2 with OpenSSL 3.0: without an explicit distinguishing ID OpenSSL signs and verifies with an
# EMPTY ID, not the GM/T 0009 default, so every SM2 signing step passes -sigopt distid:… (and
# `openssl ca` also -vfyopt, to check the SM2 request). OpenSSL 3.0 cannot write SM2 CMS, so the
# SM2 leaves get raw signatures only.
set -euo pipefail

usage() { echo "usage: $0 OUT_DIR [--crl-base http://127.0.0.1:PORT/crl]" >&2; exit 2; }
(($# >= 1)) || usage
OUT=$1; shift
CRL_BASE=http://127.0.0.1:18480/crl
while (($#)); do
    case $1 in
        --crl-base) (($# >= 2)) || usage; CRL_BASE=${2%/}; shift 2 ;;
        *) usage ;;
    esac
done

SM2_ID=1234567812345678
SM2_OPT="distid:$SM2_ID"

# --- dates -------------------------------------------------------------------------------------
# Everything is relative to now so the "valid" cases stay valid whenever the tests run.
NOW=$(date -u +%s)
DAY=86400
stamp() { date -u -d "@$((NOW + $1 * DAY))" +%Y%m%d%H%M%SZ; }   # offset in days -> ASN.1 time
day() { date -u -d "@$((NOW + $1 * DAY))" +%Y-%m-%d; }          # offset in days -> YYYY-MM-DD
ROOT_FROM=$(stamp -400); ROOT_UNTIL=$(stamp 7300)
INT_FROM=$(stamp -365);  INT_UNTIL=$(stamp 3650)
LEAF_FROM=$(stamp -30);  LEAF_UNTIL=$(stamp 365)
RECOGNIZED_SINCE=$(day -730); RECOGNIZED_UNTIL=$(day 3650)

# --- output folders ----------------------------------------------------------------------------
# Only the folders this script owns are replaced; anything else in OUT_DIR is left alone.
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
[[ $OUT != / ]] || { echo "make-test-pki: refusing to write into /" >&2; exit 2; }
rm -rf "$OUT"/{trust,crl,leaves,chain,untrusted,data,work} "$OUT/cases.json"
WORK=$OUT/work
mkdir -p "$OUT"/{trust,crl,leaves,chain,untrusted,data} "$WORK"

printf '枢纽测试数据：招标公告 ZB-2024-0001 的摘要。\nShuniu test data: summary of tender notice ZB-2024-0001.\n' \
    > "$OUT/data/sample.txt"

# `openssl req` only needs an empty DN section: subjects come from -subj.
cat > "$WORK/req.cnf" <<'EOF'
[ req ]
distinguished_name = req_dn
string_mask        = utf8only
utf8               = yes
[ req_dn ]
EOF

# One `openssl ca` configuration for every issuing CA; CA_DIR and CA_MD pick the CA.
# Extensions come from a small extfile per certificate (see extfile below).
cat > "$WORK/ca.cnf" <<'EOF'
[ ca ]
default_ca = ca_default

[ ca_default ]
dir              = $ENV::CA_DIR
database         = $dir/index.txt
new_certs_dir    = $dir/issued
certificate      = $dir/cert.pem
private_key      = $dir/key.pem
crlnumber        = $dir/crlnumber
rand_serial      = yes
default_md       = $ENV::CA_MD
default_days     = 365
default_crl_days = 7
# ca_cmd passes -preserveDN: without it the policy drops every DN attribute it does not name,
# and O, serialNumber and organizationIdentifier (2.5.4.97) carry the holder's identity.
# (A "preserve" key would only be read from [ ca ], not from this section.)
policy           = policy_any
unique_subject   = no
copy_extensions  = none
crl_extensions   = crl_ext

[ policy_any ]
commonName = supplied

[ crl_ext ]
authorityKeyIdentifier = keyid:always
EOF

# --- helpers -----------------------------------------------------------------------------------

# new_key SPEC FILE — SPEC is rsa | p256 | p384 | sm2; writes an unencrypted PKCS#8 PEM key,
# unless FILE is already there (prefetch_rsa_keys made it).
new_key() {
    [[ -s $2 ]] && return 0
    case $1 in
        rsa)  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$2" 2>/dev/null ;;
        p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve -out "$2" ;;
        p384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -pkeyopt ec_param_enc:named_curve -out "$2" ;;
        sm2)  openssl genpkey -algorithm SM2 -out "$2" ;;
    esac
}

# prefetch_rsa_keys FILE… — RSA-2048 key generation is most of the run time (about 0.5 s of CPU
# a key), so a CA's RSA keys are all generated at once, in parallel, before it issues anything.
prefetch_rsa_keys() {
    local file pid pids=()
    for file in "$@"; do
        mkdir -p "$(dirname "$file")"
        new_key rsa "$file" & pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
}

# new_csr KEY SPEC SUBJECT CSR — an SM2 request must itself be signed with SM3 and the ID.
new_csr() {
    local sig=()
    [[ $2 == sm2 ]] && sig=(-sm3 -sigopt "$SM2_OPT")
    openssl req -new -config "$WORK/req.cnf" -utf8 -key "$1" -subj "$3" "${sig[@]}" -out "$4"
}

# init_ca DIR SPEC MD — an openssl ca database; the CA's certificate and key are added later.
init_ca() {
    mkdir -p "$1/issued"
    : > "$1/index.txt"
    echo 1000 > "$1/crlnumber"
    echo "$2" > "$1/spec"
    echo "$3" > "$1/md"
}

# ca_cmd DIR ARGS… — `openssl ca` as the CA in DIR; SM2 CAs sign with the ID and check the
# request's SM2 signature with it too (without -vfyopt, ca refuses every SM2 request).
ca_cmd() {
    local dir=$1; shift
    local sig=()
    [[ $(< "$dir/spec") == sm2 ]] && sig=(-sigopt "$SM2_OPT" -vfyopt "$SM2_OPT")
    # openssl ca chatters on stderr even when it works: show that only when it fails.
    local log
    if ! log=$(CA_DIR=$dir CA_MD=$(< "$dir/md") openssl ca -config "$WORK/ca.cnf" -batch -notext -preserveDN \
        "${sig[@]}" "$@" 2>&1); then
        printf 'openssl ca failed (CA %s):\n%s\n' "$dir" "$log" >&2
        return 1
    fi
}

# extfile FILE LINES… — the extensions of one certificate, in section [ext].
extfile() {
    local file=$1; shift
    { echo "[ ext ]"; printf '%s\n' "$@"; } > "$file"
}

# make_root DIR SPEC MD SUBJECT — a self-signed root, issued with `openssl ca -selfsign` so that
# its notBefore can lie in the past like the rest of the hierarchy.
make_root() {
    local dir=$1 spec=$2 md=$3 subject=$4
    init_ca "$dir" "$spec" "$md"
    new_key "$spec" "$dir/key.pem"
    new_csr "$dir/key.pem" "$spec" "$subject" "$dir/req.csr"
    extfile "$dir/ext.cnf" "basicConstraints = critical, CA:TRUE" "keyUsage = critical, keyCertSign, cRLSign" \
        "subjectKeyIdentifier = hash"
    ca_cmd "$dir" -selfsign -keyfile "$dir/key.pem" -in "$dir/req.csr" -out "$dir/cert.pem" \
        -extfile "$dir/ext.cnf" -extensions ext -startdate "$ROOT_FROM" -enddate "$ROOT_UNTIL"
}

# make_intermediate DIR SPEC MD SUBJECT PARENT CRL_URL — a CA issued by PARENT (pathlen 0).
make_intermediate() {
    local dir=$1 spec=$2 md=$3 subject=$4 parent=$5 crl_url=$6
    init_ca "$dir" "$spec" "$md"
    new_key "$spec" "$dir/key.pem"
    new_csr "$dir/key.pem" "$spec" "$subject" "$dir/req.csr"
    extfile "$dir/ext.cnf" "basicConstraints = critical, CA:TRUE, pathlen:0" \
        "keyUsage = critical, keyCertSign, cRLSign" "subjectKeyIdentifier = hash" \
        "authorityKeyIdentifier = keyid:always" "crlDistributionPoints = URI:$crl_url"
    ca_cmd "$parent" -in "$dir/req.csr" -out "$dir/cert.pem" -extfile "$dir/ext.cnf" -extensions ext \
        -startdate "$INT_FROM" -enddate "$INT_UNTIL"
}

# make_leaf CA_DIR SPEC SUBJECT KEY_USAGE CRL_URL FROM UNTIL OUT_BASE [EXTENSION_LINES…]
# Writes OUT_BASE.pem and OUT_BASE.key. Extra lines carry the holder's identity extension.
make_leaf() {
    local ca=$1 spec=$2 subject=$3 ku=$4 crl_url=$5 from=$6 until=$7 base=$8
    shift 8
    new_key "$spec" "$base.key"
    new_csr "$base.key" "$spec" "$subject" "$base.csr"
    extfile "$base.ext" "basicConstraints = CA:FALSE" "keyUsage = critical, $ku" \
        "subjectKeyIdentifier = hash" "authorityKeyIdentifier = keyid:always" \
        "crlDistributionPoints = URI:$crl_url" "$@"
    ca_cmd "$ca" -in "$base.csr" -out "$base.pem" -extfile "$base.ext" -extensions ext \
        -startdate "$from" -enddate "$until"
    rm -f "$base.csr" "$base.ext"
}

# make_crl CA_DIR OUT.crl [ARGS…] — a DER CRL from the CA's database (7 days unless ARGS say).
make_crl() {
    local ca=$1 out=$2; shift 2
    ca_cmd "$ca" -gencrl -crldays 7 -out "$out.pem" "$@"
    openssl crl -in "$out.pem" -outform DER -out "$out"
    rm -f "$out.pem"
}

# raw_text_ext OID TEXT — an identity extension whose value is the bare ASCII text, not a DER
# string (some CAs do this; Certs/README.md calls it "raw text").
raw_text_ext() {
    local hex
    hex=$(printf '%s' "$2" | od -An -tx1 | tr -s ' \n' ':' | sed 's/^://; s/:$//')
    echo "$1 = DER:$hex"
}

# sign_sample SPEC KEY CERT BASE — detached signatures of data/sample.txt by one leaf: BASE.sig
# (raw) and, for RSA and ECDSA, BASE.p7s (CMS SignedData, DER, carrying the signer's CERT).
sign_sample() {
    local spec=$1 key=$2 cert=$3 base=$4
    local data=$OUT/data/sample.txt
    case $spec in
        sm2)
            # SM3 over Z_A || M with the default ID; `openssl dgst` hands -sigopt to the
            # EVP_DigestSign context, which is the one place OpenSSL 3.0 honours the ID.
            openssl dgst -sm3 -sign "$key" -sigopt "$SM2_OPT" -out "$base.sig" "$data" ;;
        *)
            openssl dgst -sha256 -sign "$key" -out "$base.sig" "$data"
            openssl cms -sign -binary -nosmimecap -md sha256 -outform DER -in "$data" \
                -signer "$cert" -inkey "$key" -out "$base.p7s" ;;
    esac
}

# --- cases.json fragments ----------------------------------------------------------------------
# Each CA writes its own fragment (the CAs are built in parallel); they are joined in a fixed order.

json_strings() {   # json_strings A B … -> ["A","B",…]
    local out="" s
    for s in "$@"; do out+="${out:+,}\"$s\""; done
    printf '[%s]' "$out"
}
identity_org()    { printf '{"kind":"organization","code":"%s","codeType":"creditCode","name":"%s"}' "$1" "$2"; }
identity_person() { printf '{"kind":"person","code":"%s","codeType":"residentID","name":"%s"}' "$1" "$2"; }
# signature_json PATH FORMAT ALGORITHM
signature_json() {
    printf '{"data":"data/sample.txt","signature":"%s","format":"%s","algorithm":"%s"}' "$1" "$2" "$3"
}
# add_case FRAGMENT NAME CA CERT CHAIN_JSON CRLS_JSON EXPECTED WARNINGS_JSON IDENTITY_JSON SIGNATURES_JSON NOTE
add_case() {
    local ca_json=null
    [[ $3 != null ]] && ca_json="\"$3\""
    printf '  {"name":"%s","ca":%s,"certificate":"%s","chain":%s,"crls":%s,"crlFormat":"DER","expected":"%s","warnings":%s,"identity":%s,"signatures":%s,"note":"%s"}\n' \
        "$2" "$ca_json" "$4" "$5" "$6" "$7" "$8" "$9" "${10}" "${11}" >> "$1"
}
# signatures_for CA NAME SPEC — the JSON list of the signatures sign_sample made for a leaf.
signatures_for() {
    local ca=$1 name=$2 spec=$3
    case $spec in
        rsa)  printf '[%s,%s]' "$(signature_json "data/$ca/$name.sample.sig" raw rsa-pkcs1-sha256)" \
                                "$(signature_json "data/$ca/$name.sample.p7s" cms rsa-pkcs1-sha256)" ;;
        p256|p384) printf '[%s,%s]' "$(signature_json "data/$ca/$name.sample.sig" raw ecdsa-sha256)" \
                                     "$(signature_json "data/$ca/$name.sample.p7s" cms ecdsa-sha256)" ;;
        sm2)  printf '[%s]' "$(signature_json "data/$ca/$name.sample.sig" raw sm2-sm3)" ;;
    esac
}

# write_manifest CA NAME KEY_ALGORITHMS WHEN_STALE IDENTITY_RULE_LINES…
write_manifest() {
    local ca=$1 name=$2 algorithms=$3 stale=$4; shift 4
    {
        echo "# Generated by Ops/make-test-pki.sh: a TEST CA whose keys are thrown away. Never trust it."
        echo "name: \"$name\""
        echo "recognizedSince: \"$RECOGNIZED_SINCE\""
        echo "recognizedUntil: \"$RECOGNIZED_UNTIL\""
        echo "keyAlgorithms: [$algorithms]"
        [[ $algorithms == sm2 ]] && echo "sm2DistinguishingID: \"$SM2_ID\""
        echo "crl:"
        echo "  refreshBeforeSeconds: 3600"
        echo "  whenStale: $stale"
        echo "identity:"
        printf '  - %s\n' "$@"
    } > "$OUT/trust/$ca/ca.yaml"
}

# build_ca CA SPEC ROOT_MD INT_SPEC INT_MD DISPLAY_NAME — root + intermediate of a recognized CA,
# copied into trust/<ca>/; the intermediate's CRL distribution point is the root's CRL.
build_ca() {
    local ca=$1 spec=$2 root_md=$3 int_spec=$4 int_md=$5 display=$6
    mkdir -p "$OUT/trust/$ca" "$OUT/crl/$ca" "$OUT/leaves/$ca" "$OUT/data/$ca"
    make_root "$WORK/$ca/root" "$spec" "$root_md" "/C=CN/O=$display/CN=$display 根证书"
    make_intermediate "$WORK/$ca/intermediate" "$int_spec" "$int_md" \
        "/C=CN/O=$display/CN=$display 二级证书" "$WORK/$ca/root" "$CRL_BASE/$ca/root.crl"
    cp "$WORK/$ca/root/cert.pem" "$OUT/trust/$ca/root.pem"
    cp "$WORK/$ca/intermediate/cert.pem" "$OUT/trust/$ca/intermediate.pem"
}

# --- demo-rsa: RSA-2048, identity in the subject DN, and every bad case --------------------------
RSA_ORG_CODE=91350100M000100Y43;  RSA_ORG_NAME=福州示例招标代理有限公司
RSA_PERSON_ID=11010519491231002X; RSA_PERSON_NAME=张秀英

make_rsa_ca() {
    local ca=demo-rsa
    local int=$WORK/$ca/intermediate leaves=$OUT/leaves/$ca data=$OUT/data/$ca
    local frag=$WORK/$ca.cases int_crl=$CRL_BASE/$ca/intermediate.crl
    local org_subj="/C=CN/O=$RSA_ORG_NAME/organizationIdentifier=NTRCN-$RSA_ORG_CODE/CN=$RSA_ORG_NAME"
    local person_subj="/C=CN/serialNumber=$RSA_PERSON_ID/CN=$RSA_PERSON_NAME"
    local sign_ku="digitalSignature, nonRepudiation"
    local org person crls stale_crls
    org=$(identity_org "$RSA_ORG_CODE" "$RSA_ORG_NAME")
    person=$(identity_person "$RSA_PERSON_ID" "$RSA_PERSON_NAME")
    crls=$(json_strings "crl/$ca/root.crl" "crl/$ca/intermediate.crl")
    stale_crls=$(json_strings "crl/$ca/root.crl" "crl/$ca/intermediate-stale.crl")
    : > "$frag"

    local name
    prefetch_rsa_keys "$WORK/$ca"/{root,intermediate,intermediate-2}/key.pem \
        "$leaves"/{org-sign,person-sign,expired,not-yet-valid,revoked,stale-crl,wrong-key-usage,broken-chain}.key
    build_ca "$ca" rsa sha256 rsa sha256 "枢纽测试RSA证书中心"
    write_manifest "$ca" "枢纽测试 RSA 证书中心 (demo-rsa)" rsa refuse \
        '{kind: organization, from: "subject:2.5.4.97", stripPrefixes: ["NTRCN-"], codeType: creditCode}' \
        '{kind: person, from: "subject:SERIALNUMBER", codeType: residentID}'

    # The good and the bad leaves; each bad one differs from org-sign in exactly one way.
    make_leaf "$int" rsa "$org_subj"    "$sign_ku" "$int_crl" "$LEAF_FROM" "$LEAF_UNTIL" "$leaves/org-sign"
    make_leaf "$int" rsa "$person_subj" "$sign_ku" "$int_crl" "$LEAF_FROM" "$LEAF_UNTIL" "$leaves/person-sign"
    make_leaf "$int" rsa "$org_subj" "$sign_ku" "$int_crl" "$(stamp -300)" "$(stamp -10)" "$leaves/expired"
    make_leaf "$int" rsa "$org_subj" "$sign_ku" "$int_crl" "$(stamp 30)" "$(stamp 400)" "$leaves/not-yet-valid"
    make_leaf "$int" rsa "$org_subj" "$sign_ku" "$int_crl" "$LEAF_FROM" "$LEAF_UNTIL" "$leaves/revoked"
    make_leaf "$int" rsa "$org_subj" "$sign_ku" "$int_crl" "$LEAF_FROM" "$LEAF_UNTIL" "$leaves/stale-crl"
    make_leaf "$int" rsa "$org_subj" "keyEncipherment" "$int_crl" "$LEAF_FROM" "$LEAF_UNTIL" "$leaves/wrong-key-usage"

    # broken-chain: issued by a second intermediate that nobody is given. Its CRL distribution
    # point is intermediate-2.crl (a CRL must come from the leaf's own issuer), so the same leaf
    # is valid when a client does send intermediate-2 (case chain-supplied).
    make_intermediate "$WORK/$ca/intermediate-2" rsa sha256 "/C=CN/O=枢纽测试RSA证书中心/CN=枢纽测试RSA证书中心 二级证书 2" \
        "$WORK/$ca/root" "$CRL_BASE/$ca/root.crl"
    make_leaf "$WORK/$ca/intermediate-2" rsa "$org_subj" "$sign_ku" "$CRL_BASE/$ca/intermediate-2.crl" \
        "$LEAF_FROM" "$LEAF_UNTIL" "$leaves/broken-chain"
    mkdir -p "$OUT/chain/$ca"
    cp "$WORK/$ca/intermediate-2/cert.pem" "$OUT/chain/$ca/intermediate-2.pem"

    # tampered: org-sign with the low bit of its signature's last byte flipped; still well-formed DER.
    openssl x509 -in "$leaves/org-sign.pem" -outform DER -out "$WORK/$ca/org-sign.der"
    local size last
    size=$(stat -c %s "$WORK/$ca/org-sign.der")
    last=$(od -An -tu1 -j $((size - 1)) "$WORK/$ca/org-sign.der" | tr -d ' ')
    { head -c $((size - 1)) "$WORK/$ca/org-sign.der"; printf "$(printf '\\%03o' $((last ^ 1)))"; } > "$WORK/$ca/tampered.der"
    { echo "-----BEGIN CERTIFICATE-----"; openssl base64 -in "$WORK/$ca/tampered.der"; echo "-----END CERTIFICATE-----"; } \
        > "$leaves/tampered.pem"
    cp "$leaves/org-sign.key" "$leaves/tampered.key"

    # Sample signatures (in the background: they only read the leaves). tampered signs with
    # org-sign's key, so its CMS carries the tampered certificate.
    local sig_pids=()
    for name in org-sign person-sign expired not-yet-valid revoked stale-crl wrong-key-usage broken-chain tampered; do
        sign_sample rsa "$leaves/$name.key" "$leaves/$name.pem" "$data/$name.sample" & sig_pids+=($!)
    done
    # One RSA-PSS signature: SHA-256, MGF1 with SHA-256, 32-byte salt.
    openssl dgst -sha256 -sign "$leaves/person-sign.key" -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 \
        -sigopt rsa_mgf1_md:sha256 -out "$data/person-sign.sample.pss.sig" "$OUT/data/sample.txt"

    # CRLs: revoke before generating. The stale CRL has the same entries, but expired yesterday.
    ca_cmd "$int" -revoke "$leaves/revoked.pem" -crl_reason keyCompromise
    make_crl "$WORK/$ca/root" "$OUT/crl/$ca/root.crl"
    make_crl "$int" "$OUT/crl/$ca/intermediate.crl"
    make_crl "$int" "$OUT/crl/$ca/intermediate-stale.crl" -crl_lastupdate "$(stamp -8)" -crl_nextupdate "$(stamp -1)"
    make_crl "$WORK/$ca/intermediate-2" "$OUT/crl/$ca/intermediate-2.crl"
    local pid
    for pid in "${sig_pids[@]}"; do wait "$pid"; done

    local sigs
    add_case "$frag" org-sign $ca "leaves/$ca/org-sign.pem" '[]' "$crls" valid '[]' "$org" \
        "$(signatures_for $ca org-sign rsa)" "organization signing certificate; identity in subject 2.5.4.97 after NTRCN-"
    sigs=$(signatures_for $ca person-sign rsa)
    sigs="${sigs%]},$(signature_json "data/$ca/person-sign.sample.pss.sig" raw rsa-pss-sha256)]"
    add_case "$frag" person-sign $ca "leaves/$ca/person-sign.pem" '[]' "$crls" valid '[]' "$person" "$sigs" \
        "person signing certificate; ID number in subject SERIALNUMBER; the PSS signature uses MGF1-SHA256 and a 32-byte salt"
    add_case "$frag" expired $ca "leaves/$ca/expired.pem" '[]' "$crls" expired '[]' "$org" \
        "$(signatures_for $ca expired rsa)" "notAfter 10 days ago"
    add_case "$frag" not-yet-valid $ca "leaves/$ca/not-yet-valid.pem" '[]' "$crls" notYetValid '[]' "$org" \
        "$(signatures_for $ca not-yet-valid rsa)" "notBefore in 30 days"
    add_case "$frag" revoked $ca "leaves/$ca/revoked.pem" '[]' "$crls" revoked '[]' "$org" \
        "$(signatures_for $ca revoked rsa)" "listed in intermediate.crl (keyCompromise)"
    add_case "$frag" stale-crl $ca "leaves/$ca/stale-crl.pem" '[]' "$stale_crls" staleCRL '[]' "$org" \
        "$(signatures_for $ca stale-crl rsa)" "a good leaf, but the only intermediate CRL is past nextUpdate and demo-rsa says whenStale: refuse"
    add_case "$frag" wrong-key-usage $ca "leaves/$ca/wrong-key-usage.pem" '[]' "$crls" keyUsage '[]' "$org" \
        "$(signatures_for $ca wrong-key-usage rsa)" "keyUsage keyEncipherment only; the signatures are mathematically good"
    add_case "$frag" broken-chain $ca "leaves/$ca/broken-chain.pem" '[]' \
        "$(json_strings "crl/$ca/root.crl" "crl/$ca/intermediate-2.crl")" brokenChain '[]' "$org" \
        "$(signatures_for $ca broken-chain rsa)" "issued by intermediate-2, which is neither in trust/ nor sent (openssl: unable to get local issuer certificate)"
    add_case "$frag" chain-supplied $ca "leaves/$ca/broken-chain.pem" "$(json_strings "chain/$ca/intermediate-2.pem")" \
        "$(json_strings "crl/$ca/root.crl" "crl/$ca/intermediate-2.crl")" valid '[]' "$org" \
        "$(signatures_for $ca broken-chain rsa)" "the broken-chain leaf with its missing intermediate sent as an untrusted chain certificate"
    add_case "$frag" tampered $ca "leaves/$ca/tampered.pem" '[]' "$crls" badSignature '[]' "$org" \
        "$(signatures_for $ca tampered rsa)" "org-sign with one bit of its certificate signature flipped; same key, so the document signatures themselves are good"
}

# --- demo-ecdsa: P-256 root, P-384 intermediate, identity in the legacy 1.2.86.11.7 extensions ---
ECDSA_ORG_CODE=91110000100000000R; ECDSA_ORG_NAME=北京示例建设工程有限公司
ECDSA_PERSON_ID=330106198001011235; ECDSA_PERSON_NAME=王伟

make_ecdsa_ca() {
    local ca=demo-ecdsa
    local int=$WORK/$ca/intermediate leaves=$OUT/leaves/$ca data=$OUT/data/$ca
    local frag=$WORK/$ca.cases int_crl=$CRL_BASE/$ca/intermediate.crl
    local org_subj="/C=CN/O=$ECDSA_ORG_NAME/CN=$ECDSA_ORG_NAME" person_subj="/C=CN/CN=$ECDSA_PERSON_NAME"
    local org_ext="1.2.86.11.7.4 = ASN1:UTF8String:$ECDSA_ORG_CODE"
    local person_ext="1.2.86.11.7.1 = ASN1:PRINTABLESTRING:$ECDSA_PERSON_ID"
    local sign_ku="digitalSignature, nonRepudiation"
    local org person crls
    org=$(identity_org "$ECDSA_ORG_CODE" "$ECDSA_ORG_NAME")
    person=$(identity_person "$ECDSA_PERSON_ID" "$ECDSA_PERSON_NAME")
    crls=$(json_strings "crl/$ca/root.crl" "crl/$ca/intermediate.crl")
    : > "$frag"

    # Root P-256 signs with ecdsa-with-SHA256, the P-384 intermediate with ecdsa-with-SHA384.
    build_ca "$ca" p256 sha256 p384 sha384 "枢纽测试ECDSA证书中心"
    write_manifest "$ca" "枢纽测试 ECDSA 证书中心 (demo-ecdsa)" "ecdsa-p256, ecdsa-p384" warn \
        '{kind: organization, from: "extension:1.2.86.11.7.4", codeType: creditCode}' \
        '{kind: person, from: "extension:1.2.86.11.7.1", codeType: residentID}'

    make_leaf "$int" p256 "$org_subj"    "$sign_ku" "$int_crl" "$LEAF_FROM" "$LEAF_UNTIL" "$leaves/org-sign" "$org_ext"
    make_leaf "$int" p384 "$person_subj" "$sign_ku" "$int_crl" "$LEAF_FROM" "$LEAF_UNTIL" "$leaves/person-sign" "$person_ext"
    make_leaf "$int" p256 "$org_subj"    "$sign_ku" "$int_crl" "$LEAF_FROM" "$LEAF_UNTIL" "$leaves/revoked" "$org_ext"

    ca_cmd "$int" -revoke "$leaves/revoked.pem" -crl_reason superseded
    make_crl "$WORK/$ca/root" "$OUT/crl/$ca/root.crl"
    make_crl "$int" "$OUT/crl/$ca/intermediate.crl"
    make_crl "$int" "$OUT/crl/$ca/intermediate-stale.crl" -crl_lastupdate "$(stamp -8)" -crl_nextupdate "$(stamp -1)"

    local name
    for name in org-sign person-sign revoked; do
        sign_sample ecdsa "$leaves/$name.key" "$leaves/$name.pem" "$data/$name.sample"
    done

    add_case "$frag" org-sign $ca "leaves/$ca/org-sign.pem" '[]' "$crls" valid '[]' "$org" \
        "$(signatures_for $ca org-sign p256)" "P-256 leaf; credit code in extension 1.2.86.11.7.4 (UTF8String)"
    add_case "$frag" person-sign $ca "leaves/$ca/person-sign.pem" '[]' "$crls" valid '[]' "$person" \
        "$(signatures_for $ca person-sign p384)" "P-384 leaf (ECDSA with SHA-256); ID number in extension 1.2.86.11.7.1 (PrintableString)"
    add_case "$frag" revoked $ca "leaves/$ca/revoked.pem" '[]' "$crls" revoked '[]' "$org" \
        "$(signatures_for $ca revoked p256)" "listed in intermediate.crl (superseded)"
    add_case "$frag" org-sign-stale-crl $ca "leaves/$ca/org-sign.pem" '[]' \
        "$(json_strings "crl/$ca/root.crl" "crl/$ca/intermediate-stale.crl")" valid "$(json_strings staleCRL)" "$org" \
        "$(signatures_for $ca org-sign p256)" "the org-sign leaf with a stale intermediate CRL: demo-ecdsa says whenStale: warn, so valid with a warning"
}

# --- demo-sm2: SM2 keys, SM3withSM2 everywhere, GM/T 0015 extensions, a signing/encryption pair --
SM2_ORG_CODE=91330100MA2H7K4122;  SM2_ORG_NAME=杭州示例数据科技有限公司
SM2_PERSON_ID=310101199003070043; SM2_PERSON_NAME=李娜

make_sm2_ca() {
    local ca=demo-sm2
    local int=$WORK/$ca/intermediate leaves=$OUT/leaves/$ca data=$OUT/data/$ca
    local frag=$WORK/$ca.cases int_crl=$CRL_BASE/$ca/intermediate.crl
    local org_subj="/C=CN/O=$SM2_ORG_NAME/CN=$SM2_ORG_NAME" person_subj="/C=CN/CN=$SM2_PERSON_NAME"
    # The credit code carries the "N" marker some CAs add; the ID number is raw ASCII, no DER string.
    local org_ext="1.2.156.10260.4.1.4 = ASN1:UTF8String:N$SM2_ORG_CODE"
    local person_ext
    person_ext=$(raw_text_ext 1.2.156.10260.4.1.1 "$SM2_PERSON_ID")
    local sign_ku="digitalSignature, nonRepudiation"
    local org person crls
    org=$(identity_org "$SM2_ORG_CODE" "$SM2_ORG_NAME")
    person=$(identity_person "$SM2_PERSON_ID" "$SM2_PERSON_NAME")
    crls=$(json_strings "crl/$ca/root.crl" "crl/$ca/intermediate.crl")
    : > "$frag"

    build_ca "$ca" sm2 sm3 sm2 sm3 "枢纽测试SM2证书中心"
    write_manifest "$ca" "枢纽测试 SM2 证书中心 (demo-sm2)" sm2 refuse \
        '{kind: organization, from: "extension:1.2.156.10260.4.1.4", stripPrefixes: ["N"], codeType: creditCode}' \
        '{kind: person, from: "extension:1.2.156.10260.4.1.1", codeType: residentID}'

    make_leaf "$int" sm2 "$org_subj"    "$sign_ku" "$int_crl" "$LEAF_FROM" "$LEAF_UNTIL" "$leaves/org-sign" "$org_ext"
    make_leaf "$int" sm2 "$person_subj" "$sign_ku" "$int_crl" "$LEAF_FROM" "$LEAF_UNTIL" "$leaves/person-sign" "$person_ext"
    # The encryption half of the org's dual pair: same subject, its own key, no signing usage.
    make_leaf "$int" sm2 "$org_subj" "keyEncipherment, dataEncipherment" "$int_crl" "$LEAF_FROM" "$LEAF_UNTIL" \
        "$leaves/org-enc" "$org_ext"
    make_leaf "$int" sm2 "$org_subj"    "$sign_ku" "$int_crl" "$LEAF_FROM" "$LEAF_UNTIL" "$leaves/revoked" "$org_ext"

    ca_cmd "$int" -revoke "$leaves/revoked.pem" -crl_reason keyCompromise
    make_crl "$WORK/$ca/root" "$OUT/crl/$ca/root.crl"
    make_crl "$int" "$OUT/crl/$ca/intermediate.crl"

    local name
    for name in org-sign person-sign org-enc revoked; do
        sign_sample sm2 "$leaves/$name.key" "$leaves/$name.pem" "$data/$name.sample"
    done

    add_case "$frag" org-sign $ca "leaves/$ca/org-sign.pem" '[]' "$crls" valid '[]' "$org" \
        "$(signatures_for $ca org-sign sm2)" "credit code in extension 1.2.156.10260.4.1.4 as UTF8String N<code>; SM2 CRLs need the ID to verify"
    add_case "$frag" person-sign $ca "leaves/$ca/person-sign.pem" '[]' "$crls" valid '[]' "$person" \
        "$(signatures_for $ca person-sign sm2)" "ID number in extension 1.2.156.10260.4.1.1 as raw ASCII bytes (no DER string)"
    add_case "$frag" org-enc $ca "leaves/$ca/org-enc.pem" '[]' "$crls" keyUsage '[]' "$org" \
        "$(signatures_for $ca org-enc sm2)" "encryption certificate of the dual pair (keyEncipherment, dataEncipherment): never a signer, although its signature is mathematically good"
    add_case "$frag" revoked $ca "leaves/$ca/revoked.pem" '[]' "$crls" revoked '[]' "$org" \
        "$(signatures_for $ca revoked sm2)" "listed in the SM2-signed intermediate.crl (keyCompromise)"
}

# --- untrusted: a CA that is not in trust/ --------------------------------------------------------
make_untrusted_ca() {
    local ca=untrusted
    local int=$WORK/$ca/intermediate frag=$WORK/$ca.cases
    mkdir -p "$OUT/crl/$ca" "$OUT/leaves/$ca" "$OUT/data/$ca"
    : > "$frag"
    prefetch_rsa_keys "$WORK/$ca"/{root,intermediate}/key.pem "$OUT/leaves/$ca/unknown-ca.key"
    make_root "$WORK/$ca/root" rsa sha256 "/C=CN/O=不受信任的测试证书中心/CN=不受信任的测试证书中心 根证书"
    make_intermediate "$int" rsa sha256 "/C=CN/O=不受信任的测试证书中心/CN=不受信任的测试证书中心 二级证书" \
        "$WORK/$ca/root" "$CRL_BASE/$ca/root.crl"
    cp "$WORK/$ca/root/cert.pem" "$OUT/untrusted/root.pem"
    cp "$int/cert.pem" "$OUT/untrusted/intermediate.pem"
    # It claims demo-rsa's organization, exactly as demo-rsa would encode it.
    make_leaf "$int" rsa "/C=CN/O=$RSA_ORG_NAME/organizationIdentifier=NTRCN-$RSA_ORG_CODE/CN=$RSA_ORG_NAME" \
        "digitalSignature, nonRepudiation" "$CRL_BASE/$ca/intermediate.crl" "$LEAF_FROM" "$LEAF_UNTIL" \
        "$OUT/leaves/$ca/unknown-ca"
    make_crl "$WORK/$ca/root" "$OUT/crl/$ca/root.crl"
    make_crl "$int" "$OUT/crl/$ca/intermediate.crl"
    sign_sample rsa "$OUT/leaves/$ca/unknown-ca.key" "$OUT/leaves/$ca/unknown-ca.pem" "$OUT/data/$ca/unknown-ca.sample"
    add_case "$frag" unknown-ca null "leaves/$ca/unknown-ca.pem" \
        "$(json_strings untrusted/intermediate.pem untrusted/root.pem)" \
        "$(json_strings "crl/$ca/root.crl" "crl/$ca/intermediate.crl")" unknownCA '[]' null \
        "$(signatures_for $ca unknown-ca rsa)" "a complete chain to a root that is not in trust/ (openssl: self-signed certificate in certificate chain); it claims demo-rsa's organization"
}

# --- run ---------------------------------------------------------------------------------------
# The four CAs share nothing, so they are built in parallel (RSA key generation dominates).
pids=()
make_rsa_ca & pids+=($!)
make_ecdsa_ca & pids+=($!)
make_sm2_ca & pids+=($!)
make_untrusted_ca & pids+=($!)
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
((failed == 0)) || { echo "make-test-pki: failed; see the messages above" >&2; exit 1; }

# cases.json: an array of
#   {name, ca (ca-id or null), certificate, chain [untrusted certs to send], crls [CRLs that apply],
#    crlFormat "DER", expected (valid | expired | notYetValid | revoked | staleCRL | keyUsage |
#    unknownCA | brokenChain | badSignature), warnings [e.g. "staleCRL"],
#    identity ({kind, code, codeType, name} the certificate carries, per its CA's manifest) | null,
#    signatures [{data, signature, format raw|cms, algorithm}], note}
# Paths are relative to OUT_DIR. Raw ECDSA and SM2 signatures are DER SEQUENCE{r,s}.
write_cases_json() {
    local parts=()
    mapfile -t parts < <(cat "$WORK"/demo-rsa.cases "$WORK"/demo-ecdsa.cases "$WORK"/demo-sm2.cases "$WORK"/untrusted.cases)
    {
        echo "["
        local i
        for i in "${!parts[@]}"; do
            if ((i + 1 < ${#parts[@]})); then echo "${parts[i]},"; else echo "${parts[i]}"; fi
        done
        echo "]"
    } > "$OUT/cases.json"
}
write_cases_json
echo "test PKI written to $OUT (${#pids[@]} CAs, $(grep -c '"name"' "$OUT/cases.json") cases)"
