#!/bin/sh
# Installs Chromium for the web UI's browser tests (/usr/bin/chromium, driven by playwright-core).
# Does nothing when it is there.
set -eu

if [ -x /usr/bin/chromium ]; then
  echo "Chromium found in /usr/bin/chromium"
  exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium
