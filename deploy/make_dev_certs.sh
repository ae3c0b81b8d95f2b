#!/usr/bin/env bash
# Makes TLS certificates for development and tests, with openssl:
#   ca.pem / ca.key          a throwaway certificate authority (10 years)
#   server.pem / server.key  for ctgd, valid for localhost, 127.0.0.1 and ::1 (plus any names
#                            given with --san), signed by the CA (825 days)
#   client.pem / client.key  a client certificate for mutual TLS (CN given with --client-cn)
# Keys are EC P-256, mode 0600. Existing files are kept unless --force is given.
# Never use these for production: anyone with ca.key can impersonate the server.
#
# Usage: deploy/make_dev_certs.sh [--dir DIR] [--san NAME]... [--client-cn CN] [--force]
set -euo pipefail

dir="./var/certs"
client_cn="ctg-dev-client"
force=0
extra_sans=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --san) extra_sans+=("$2"); shift 2 ;;
    --client-cn) client_cn="$2"; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "make_dev_certs: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

mkdir -p "$dir"
cd "$dir"
if [ -f server.pem ] && [ "$force" -eq 0 ]; then
  echo "make_dev_certs: certificates already in $(pwd) (use --force to remake them)"
  exit 0
fi
umask 077

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

san="DNS:localhost,IP:127.0.0.1,IP:::1"
for name in "${extra_sans[@]+"${extra_sans[@]}"}"; do
  if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then san="$san,IP:$name"; else san="$san,DNS:$name"; fi
done

new_key ca.key
openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/O=ctg-platform dev/CN=ctg-platform dev CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca.pem

new_key server.key
openssl req -new -key server.key -subj "/O=ctg-platform dev/CN=ctgd" -out server.csr
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 825 \
  -extfile <(printf "subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n" "$san") \
  -out server.pem 2>/dev/null

new_key client.key
openssl req -new -key client.key -subj "/O=ctg-platform dev/CN=$client_cn" -out client.csr
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 825 \
  -extfile <(printf "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n") \
  -out client.pem 2>/dev/null

rm -f server.csr client.csr ca.srl
chmod 600 ./*.key
chmod 644 ./*.pem
echo "make_dev_certs: wrote ca.pem, server.pem/.key ($san) and client.pem/.key (CN=$client_cn) in $(pwd)"
