#!/usr/bin/env bash
# Checks the deploy/ files that are not scripts.
#   deploy_files_test.sh config    REPO PROTOC    ctgd.textproto parses as ctg.server.v1.ServerConfig
#                                                 and shows TLS, mTLS, auth keys and limits
#   deploy_files_test.sh unit      REPO           systemd-analyze verify accepts ctgd.service, its
#                                                 hardening is there, its exposure stays low
#   deploy_files_test.sh container REPO BIN_DIR   the Containerfile's runtime packages exist in
#                                                 bookworm and cover what ctgd and ctg link
# Exits 77 (ctest's SKIP_RETURN_CODE) when a tool it needs is missing.
set -euo pipefail
what="$1"
root="$(realpath "$2")"
fail() { echo -e "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

case "$what" in
config)
  protoc="$3"
  proto="$root/proto"
  decoded="$("$protoc" --encode=ctg.server.v1.ServerConfig -I"$proto" "$proto/ctg/server/v1/config.proto" \
               < "$root/deploy/ctgd.textproto" \
             | "$protoc" --decode=ctg.server.v1.ServerConfig -I"$proto" "$proto/ctg/server/v1/config.proto")" \
    || fail "deploy/ctgd.textproto does not parse as ctg.server.v1.ServerConfig (protoc's error above)"
  for want in 'cert_file: "' 'key_file: "' 'client_ca_file: "' 'require_client_cert: true' \
              'issuer: "' 'audience: "' 'key_id: "' 'public_key_file: "' 'max_receive_message_bytes: ' \
              'log_origin: "' 'data_dir: "/var/lib/ctgd/'; do
    grep -qF "$want" <<<"$decoded" || fail "the example config lacks $want"
  done
  # Everything ctgd writes must be inside the unit's ReadWritePaths (/var/lib/ctgd).
  for field in data_dir signing_key_file backup_dir; do
    value="$(sed -n "s/^$field: \"\(.*\)\"$/\1/p" <<<"$decoded")"
    [[ -z "$value" || "$value" == /var/lib/ctgd/* ]] || fail "$field $value is outside /var/lib/ctgd"
  done
  echo "ctgd.textproto: parses as ServerConfig"
  ;;

unit)
  command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
  unit="$root/deploy/ctgd.service"
  grep -qx 'ExecStart=/usr/local/bin/ctgd --config=/etc/ctgd/ctgd.textproto' "$unit" \
    || fail "ExecStart is not /usr/local/bin/ctgd --config=/etc/ctgd/ctgd.textproto"
  for want in 'Type=notify' 'NotifyAccess=main' 'User=ctgd' 'StateDirectory=ctgd' 'Restart=on-failure' \
              'TimeoutStopSec=' 'LimitNOFILE=' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' \
              'PrivateTmp=yes' 'PrivateDevices=yes' 'ReadWritePaths=/var/lib/ctgd' 'CapabilityBoundingSet=$' \
              'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX$' 'SystemCallFilter=@system-service$'; do
    grep -q "^$want" "$unit" || fail "ctgd.service lacks $want"
  done
  # The binary need not be installed where the unit expects it: verify a copy whose ExecStart
  # points at a stand-in, so that "not executable" cannot hide or fake a real finding.
  printf '#!/bin/sh\nexit 0\n' > "$dir/ctgd"
  chmod +x "$dir/ctgd"
  sed "s#/usr/local/bin/ctgd#$dir/ctgd#" "$unit" > "$dir/ctgd.service"
  out="$(systemd-analyze verify --man=no "$dir/ctgd.service" 2>&1)" \
    || fail "systemd-analyze verify failed:\n$out"
  # verify exits 0 after an unknown key or a bad value and only prints it: any line about the
  # unit is a failure.
  if grep -F "ctgd.service" <<<"$out"; then fail "systemd-analyze verify complained (above)"; fi
  # Exposure (0 = fully locked down, 10 = unprotected); --offline exists since systemd 250.
  if systemd-analyze security --help 2>&1 | grep -q -- '--offline'; then
    systemd-analyze security --offline=yes --threshold=25 "$dir/ctgd.service" > "$dir/security" 2>&1 \
      || fail "exposure above 2.5: $(tail -1 "$dir/security")"
    echo "ctgd.service: $(grep -o 'Overall exposure level.*' "$dir/security")"
  fi
  echo "ctgd.service: systemd-analyze verify is silent"
  ;;

container)
  bin_dir="$3"
  file="$root/deploy/Containerfile"
  for want in '^FROM debian:bookworm AS build' '^RUN deploy/install_deps.sh' 'deploy/build.sh' \
              '^FROM debian:bookworm$' '^USER ctgd' '^VOLUME /var/lib/ctgd' '^EXPOSE 7443 9464' \
              'build/bin/ctgd /src/build/bin/ctg /usr/local/bin/'; do
    grep -q -- "$want" "$file" || fail "Containerfile lacks $want"
  done
  # The packages of the runtime stage: the indented names of its apt-get install.
  mapfile -t packages < <(sed -n '/--no-install-recommends/,/rm -rf/p' "$file" \
                            | grep -E '^ +[a-z0-9][a-z0-9.+-]* *\\?$' | tr -d ' \\')
  [ "${#packages[@]}" -ge 5 ] || fail "cannot find the runtime packages in the Containerfile"
  command -v apt-cache >/dev/null || skip "apt-cache is not installed"
  apt-cache show libc6 >/dev/null 2>&1 || skip "no apt package lists (run apt-get update)"
  if ! apt-cache show "${packages[@]}" >/dev/null 2>&1; then  # one call: each takes ~0.5 s
    for p in "${packages[@]}"; do
      apt-cache show "$p" >/dev/null 2>&1 || fail "runtime package $p does not exist"
    done
  fi
  # Every library the binaries link directly comes from one of them or from the base image.
  base=" libc6 libstdc++6 libgcc-s1 "
  multiarch="$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)"
  checked=0
  needed=()
  for binary in "$bin_dir/ctgd" "$bin_dir/ctg"; do
    [ -x "$binary" ] || { echo "note: $binary is not built, not checked"; continue; }
    checked=$((checked + 1))
    mapfile -t -O "${#needed[@]}" needed < <(objdump -p "$binary" | awk '/NEEDED/ {print $2}')
  done
  if [ "${#needed[@]}" -gt 0 ]; then
    # One dpkg -S for all: "package:arch: /usr/lib/<multiarch>/libfoo.so.1".
    dpkg -S "${needed[@]/#/*/$multiarch/}" > "$dir/owners" 2>/dev/null || true
    for lib in $(printf '%s\n' "${needed[@]}" | sort -u); do
      owner=""
      while IFS= read -r line; do
        if [[ "$line" == *"/$multiarch/$lib" ]]; then owner="${line%%:*}"; break; fi
      done < "$dir/owners"
      [ -n "$owner" ] || fail "a binary links $lib, which no Debian package provides"
      [[ " ${packages[*]} $base" == *" $owner "* ]] \
        || fail "a binary links $lib from $owner, which the runtime stage does not install"
    done
  fi
  echo "Containerfile: ${#packages[@]} runtime packages exist; $checked binaries covered"
  ;;

*)
  fail "usage: $0 config|unit|container REPO [PROTOC|BIN_DIR]"
  ;;
esac
