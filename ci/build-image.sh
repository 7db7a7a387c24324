#!/usr/bin/env bash
# Builds the mock HAL image FROM scratch, with no registry: the Node binary the project
# installs (node_modules/node), the shared libraries it links, and the app with only its
# runtime packages. Tags mock-hal:local and mock-hal:<package version>.
#
#   ci/build-image.sh            (or: npm run image)
#   IMAGE=my/mock-hal:dev ci/build-image.sh      extra tag
#   MOCK_HAL_IMAGE_STRIP=0 ci/build-image.sh      keep Node's debug symbols (bigger image)
#
# Needs: a Docker engine (ci/start-docker.sh starts one), npm ci done, ldd, and
# optionally strip (binutils) to drop Node's debug info.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

die() { echo "build-image: $*" >&2; exit 1; }

NODE_LINK="$ROOT/node_modules/node/bin/node"
[ -x "$NODE_LINK" ] || die "no $NODE_LINK: run npm ci first (the image reuses the Node the project installs)"
NODE_BIN=$(readlink -f "$NODE_LINK")
command -v ldd >/dev/null || die "ldd not found (Debian: apt-get install -y libc-bin)"
command -v docker >/dev/null || die "no docker client: run ci/start-docker.sh (installs docker.io)"
docker info >/dev/null 2>&1 || die "no Docker engine answers: run ci/start-docker.sh"

VERSION=$("$NODE_BIN" -p "require('./package.json').version")
NODE_VERSION=$("$NODE_BIN" --version)
case "$("$NODE_BIN" -p 'process.arch')" in
  x64) ARCH=amd64 ;; arm64) ARCH=arm64 ;; *) ARCH=$("$NODE_BIN" -p 'process.arch') ;;
esac

CONTEXT=$(mktemp -d "${TMPDIR:-/tmp}/mock-hal-image.XXXXXX")
BUILD_LOG=$(mktemp "${TMPDIR:-/tmp}/mock-hal-image-build.XXXXXX")
trap 'rm -rf "$CONTEXT" "$BUILD_LOG"' EXIT
ROOTFS="$CONTEXT/rootfs"
mkdir -p "$ROOTFS/usr/local/bin" "$ROOTFS/etc" "$ROOTFS/tmp"
chmod 1777 "$ROOTFS/tmp"

# Node: the real file behind the symlink; its debug info is most of its size.
cp "$NODE_BIN" "$ROOTFS/usr/local/bin/node"
if [ "${MOCK_HAL_IMAGE_STRIP:-1}" != 0 ] && command -v strip >/dev/null; then
  strip --strip-debug "$ROOTFS/usr/local/bin/node"
  "$ROOTFS/usr/local/bin/node" --version >/dev/null || { echo "build-image: stripped node does not start; keeping debug info" >&2; cp "$NODE_BIN" "$ROOTFS/usr/local/bin/node"; }
fi

# Shared libraries, at the paths the loader looks for them (the ELF interpreter included).
libs=$(ldd "$NODE_BIN" | awk '/=> \// { print $3 } /^[[:space:]]*\// { print $1 }')
[ -n "$libs" ] || die "ldd listed no libraries for $NODE_BIN"
for lib in $libs; do
  mkdir -p "$ROOTFS$(dirname "$lib")"
  cp -L "$lib" "$ROOTFS$lib"
done

# Enough /etc for a process running as nobody (65534) and for getaddrinfo.
cat >"$ROOTFS/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
PASSWD
cat >"$ROOTFS/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
echo 'hosts: files dns' >"$ROOTFS/etc/nsswitch.conf"

# The app and its runtime node_modules (dev dependencies and library extras left out).
"$NODE_BIN" "$ROOT/ci/stage-app.ts" "$ROOTFS/app"

cp "$ROOT/ci/Dockerfile" "$CONTEXT/Dockerfile"

tags=(-t mock-hal:local -t "mock-hal:$VERSION")
[ -n "${IMAGE:-}" ] && tags+=(-t "$IMAGE")
# Without the buildx plugin, say so instead of letting the client warn about it.
if [ -z "${DOCKER_BUILDKIT:-}" ] && ! docker buildx version >/dev/null 2>&1; then export DOCKER_BUILDKIT=0; fi

started=$(date +%s)
# The build's output is shown only when it fails (the legacy builder's deprecation notice is noise).
if ! docker build -q "${tags[@]}" \
  --label org.opencontainers.image.title=mock-hal \
  --label "org.opencontainers.image.version=$VERSION" \
  --label "org.opencontainers.image.description=Mock HAL (FROM scratch, Node $NODE_VERSION, $ARCH)" \
  "$CONTEXT" >"$BUILD_LOG" 2>&1; then
  cat "$BUILD_LOG" >&2
  die "docker build failed"
fi
# Rebuilds leave the previous image untagged; drop those, not anything else.
docker image prune -f --filter label=org.opencontainers.image.title=mock-hal >/dev/null || true

size=$(docker image inspect mock-hal:local --format '{{.Size}}')
echo "build-image: mock-hal:local mock-hal:$VERSION${IMAGE:+ $IMAGE} built in $(( $(date +%s) - started )) s, $(( size / 1024 / 1024 )) MiB (Node $NODE_VERSION, $ARCH)"
