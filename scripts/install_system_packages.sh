#!/bin/sh
# Installs the Debian packages the tests need, only when they are missing:
#   chromium             browser tests (Playwright drives the system browser; nothing is downloaded)
#   default-jre-headless the Nu HTML checker (vnu.jar, from npm) runs on Java
#   postgresql           the service's tests also run against a real PostgreSQL server
#   wrk                  make bench cross-checks its own load generator with wrk
set -eu

missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"

[ -z "$missing" ] && exit 0

echo "Installing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
