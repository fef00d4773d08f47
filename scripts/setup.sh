#!/usr/bin/env bash
# Installs every Debian package that Pantau's build, tests, benchmarks and web UI need.
# Idempotent: packages already present are skipped. Runs as root, or through sudo otherwise.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build ccache mold pkg-config clang clang-format clang-tidy
  # libraries
  libsqlite3-dev libsimdjson-dev nlohmann-json3-dev libyaml-cpp-dev libasio-dev
  libcpp-httplib-dev libssl-dev libsodium-dev libspdlog-dev libfmt-dev libcli11-dev zlib1g-dev
  libre2-dev libhyperscan-dev libevtx-dev libbfio-dev libpugixml-dev libqrencode-dev
  libcurl4-openssl-dev
  # the anomaly detectors' countries of login addresses: libGeoIP and its country databases
  libgeoip-dev geoip-database
  # documents (src/docs): PDF with Cairo and Pango, QR codes
  libcairo2-dev libpango1.0-dev
  # vulnerability assessments (src/assess): nmap runs as a child process
  nmap
  # malware and webshell scanning of evidence (src/scan): YARA and ClamAV as libraries
  libyara-dev libclamav-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 sqlite3 curl openssl bsdutils rsyslog procps iproute2 time ripgrep
  # documents' tests: pdftotext, pdfsig, pdftoppm
  poppler-utils
  # the web UI's browser tests: Debian's Chromium (driven by playwright-core) and fonts to draw with
  chromium fonts-noto-core fonts-dejavu-core
)
# The UI builds with Node.js and npm (web/package.json needs Node 18 or newer). A machine that
# already has them (for example from NodeSource, whose nodejs bundles npm and conflicts with
# Debian's npm package) keeps its own.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
