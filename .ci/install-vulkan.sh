#!/usr/bin/env bash
# Installs Mesa's software Vulkan driver (llvmpipe) so that Dawn finds an adapter on
# machines without a GPU. On bookworm, Mesa 25 comes from bookworm-backports: bookworm's
# own 22.3 is too old for Dawn. The backports entry reuses the mirror of the existing Debian
# entry, so no host name is written here. Later releases (trixie: Mesa 25) use their own.
set -euo pipefail

# grep without -q reads all of ldconfig's output: with -q it may exit first, and the
# SIGPIPE that ldconfig then gets fails the pipeline under pipefail (seen on a 64 KB cache).
if ldconfig -p 2>/dev/null | grep libvulkan.so.1 >/dev/null && ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1; then
  echo "vulkan: software driver already present"
  exit 0
fi
if ls /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json >/dev/null 2>&1; then
  echo "vulkan: a GPU driver is present; skipping the software driver"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "vulkan: cannot install the software driver (need root and apt-get); WebGPU tests will use what is there" >&2
  exit 0
fi

codename=$( (. /etc/os-release && echo "${VERSION_CODENAME:-}") 2>/dev/null || true)
release=()
if [ "$codename" = bookworm ]; then
  release=(-t bookworm-backports)
  src=/etc/apt/sources.list.d/debian.sources
  backports=/etc/apt/sources.list.d/sapphire-backports.sources
  if [ ! -f "$backports" ]; then
    uri="" keyring=""
    if [ -f "$src" ]; then
      uri=$(awk '/^URIs:/ && !done { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; done = 1; exit } }' "$src")
      keyring=$(awk '/^Signed-By:/ { print $2; exit }' "$src")
    elif [ -f /etc/apt/sources.list ]; then
      # Installer-made machines keep the one-line format: deb [options] URI suite components.
      src=/etc/apt/sources.list
      uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\// && $i !~ /security/) { print $i; exit } }' "$src")
    fi
    if [ -z "$uri" ]; then
      echo "vulkan: no Debian mirror found in $src" >&2
      exit 1
    fi
    cat > "$backports" <<SOURCES
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: ${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}
SOURCES
  fi
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${release[@]}" mesa-vulkan-drivers libvulkan1 >/dev/null
echo "vulkan: installed $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) mesa-vulkan-drivers"
