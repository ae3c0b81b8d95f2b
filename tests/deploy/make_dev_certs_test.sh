#!/usr/bin/env bash
# Checks deploy/make_dev_certs.sh: a valid chain, the loopback SANs and extra ones, key
# usages, private keys 0600 that match their certificates, and that a second run keeps them.
set -euo pipefail
script="$(realpath "$1")"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$script" --dir "$dir" --san ctg.example.test --san 10.0.0.7 --client-cn tester >/dev/null
cd "$dir"
openssl verify -CAfile ca.pem server.pem >/dev/null || fail "server.pem does not chain to ca.pem"
openssl verify -CAfile ca.pem client.pem >/dev/null || fail "client.pem does not chain to ca.pem"
sans="$(openssl x509 -in server.pem -noout -ext subjectAltName)"
for want in "DNS:localhost" "IP Address:127.0.0.1" "IP Address:0:0:0:0:0:0:0:1" \
            "DNS:ctg.example.test" "IP Address:10.0.0.7"; do
  grep -q "$want" <<<"$sans" || fail "server SANs lack $want: $sans"
done
openssl x509 -in server.pem -noout -ext extendedKeyUsage | grep -q "TLS Web Server Authentication" \
  || fail "server.pem is not for serverAuth"
openssl x509 -in client.pem -noout -ext extendedKeyUsage | grep -q "TLS Web Client Authentication" \
  || fail "client.pem is not for clientAuth"
openssl x509 -in client.pem -noout -subject | grep -q "CN = tester" || fail "client CN"
for name in ca server client; do
  [ "$(stat -c %a "$name.key")" = "600" ] || fail "$name.key is not mode 600"
  [ "$(openssl pkey -in "$name.key" -pubout)" = "$(openssl x509 -in "$name.pem" -noout -pubkey)" ] \
    || fail "$name.key does not match $name.pem"
done
before="$(sha256sum server.pem)"
"$script" --dir "$dir" >/dev/null
[ "$(sha256sum server.pem)" = "$before" ] || fail "a second run replaced the certificates"
"$script" --dir "$dir" --force >/dev/null
[ "$(sha256sum server.pem)" != "$before" ] || fail "--force did not remake them"
echo "make_dev_certs: all checks passed"
