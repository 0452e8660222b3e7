#!/usr/bin/env bash
# Installs the Debian tools the tests use, when they are missing: openssl (peer and vectors),
# python3 (ssl interop), iproute2 (network namespaces), chromium (enroll page test), testssl.sh
# (scanner, slow tests), curl (HTTPS interop). Runs before `npm test` (package.json "pretest") and from .ci/run.
# Needs root and apt-get to install; otherwise it only says what is missing.
set -u
need=()
command -v openssl >/dev/null || need+=(openssl)
command -v python3 >/dev/null || need+=(python3)
command -v ip >/dev/null || need+=(iproute2)
command -v chromium >/dev/null || need+=(chromium)
command -v testssl >/dev/null || need+=(testssl.sh)
command -v curl >/dev/null || need+=(curl)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing test tools: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "missing test tools (install them to run every test): ${need[*]}" >&2
fi
exit 0
