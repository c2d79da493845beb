#!/usr/bin/env bash
# Installs Mesa's software Vulkan driver (llvmpipe) so that Dawn finds an adapter on
# machines without a GPU. Mesa 25 comes from bookworm-backports: bookworm's own 22.3 is
# too old for Dawn. The backports entry reuses the mirror of the existing Debian entry,
# so no host name is written here.
set -euo pipefail

if ldconfig -p 2>/dev/null | grep -q libvulkan.so.1 && ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1; then
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

src=/etc/apt/sources.list.d/debian.sources
backports=/etc/apt/sources.list.d/sapphire-backports.sources
if [ ! -f "$backports" ]; then
  uri=$(awk '/^URIs:/ && !done { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; done = 1; exit } }' "$src")
  keyring=$(awk '/^Signed-By:/ { print $2; exit }' "$src")
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
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
echo "vulkan: installed $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) mesa-vulkan-drivers"
