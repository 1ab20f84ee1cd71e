#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Installs the Debian packages amnistia needs to build and test, only those missing.
# Run as root (make demo / make check call it); otherwise prints the apt-get command.
set -eu
PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev
      libsqlite3-dev libutf8proc-dev libjansson-dev libsodium-dev libgsl-dev
      libcmocka-dev sqlite3 python3 python3-cryptography time"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "amnistia needs these Debian packages; as root run:" >&2
    echo "  apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
