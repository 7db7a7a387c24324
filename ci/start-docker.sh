#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine: does nothing when `docker info`
# already works; otherwise installs Debian's docker.io if dockerd is missing and starts
# dockerd in the background (no systemd here), logging to $DOCKERD_LOG.
#
# Storage and network, tried in this order until the engine answers:
#   1. dockerd's defaults (overlay2, bridge, iptables)         <- what these machines run
#      (tried twice: a first start can fail once for passing reasons)
#   2. --storage-driver=vfs                                      (no overlayfs in the kernel)
#   3. vfs plus --iptables=false --bridge=none                   (no netfilter/bridge: only
#      host networking works then, and published ports do not; the container tests fail)
# DOCKERD_ARGS="..." skips the search and starts dockerd with exactly those arguments.
#
# Idempotent: a second run finds the engine answering and returns at once. Needs root
# (or passwordless sudo) to install and start the engine.
set -euo pipefail

LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
PIDFILE=/var/run/docker.pid
WAIT_SECONDS=${DOCKERD_WAIT_SECONDS:-45}

say() { echo "start-docker: $*" >&2; }
engine_answers() { docker info >/dev/null 2>&1; }
# Alive and not a zombie (a killed dockerd whose parent never reaped it still answers kill -0).
alive() { kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]; }

SUDO=
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=sudo; fi
fi

if command -v docker >/dev/null && engine_answers; then
  say "a Docker engine already answers ($(docker info --format '{{.ServerVersion}}, storage {{.Driver}}' 2>/dev/null))"
  exit 0
fi

if ! command -v dockerd >/dev/null; then
  if [ "$(id -u)" != 0 ] && [ -z "$SUDO" ]; then
    say "no Docker engine and not root: install and start one (Debian: apt-get install -y docker.io; dockerd &)"
    exit 1
  fi
  say "installing Debian's docker.io"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io iptables >/dev/null
fi
command -v docker >/dev/null || { say "docker.io installed no docker client"; exit 1; }

# A pid file left by an engine that no longer runs makes dockerd refuse to start.
if [ -f "$PIDFILE" ]; then
  old=$(cat "$PIDFILE" 2>/dev/null || true)
  if [ -n "$old" ] && alive "$old"; then
    say "dockerd (pid $old) is running but not answering yet; waiting"
    for _ in $(seq 1 "$WAIT_SECONDS"); do engine_answers && exit 0; sleep 1; done
    say "dockerd (pid $old) does not answer after ${WAIT_SECONDS}s; see $LOG"
    exit 1
  fi
  say "removing stale $PIDFILE (pid ${old:-?} is gone)"
  $SUDO rm -f "$PIDFILE"
fi

$SUDO mkdir -p "$(dirname "$LOG")"

# try ARGS...: start dockerd with ARGS, wait for it; on failure stop it and return 1.
try() {
  say "starting dockerd $* (log: $LOG)"
  echo "=== $(date -u +%FT%TZ) dockerd $*" | $SUDO tee -a "$LOG" >/dev/null
  # setsid: the engine outlives this script and the CI step's process group.
  $SUDO setsid dockerd "$@" >>"$LOG" 2>&1 </dev/null &
  local pid=$!
  for _ in $(seq 1 "$((WAIT_SECONDS * 2))"); do
    if engine_answers; then
      say "engine up: $(docker info --format 'Docker {{.ServerVersion}}, storage {{.Driver}}, cgroup {{.CgroupDriver}}/v{{.CgroupVersion}}')"
      return 0
    fi
    alive "$pid" || break
    sleep 0.5
  done
  say "dockerd $* did not come up; last lines of $LOG:"
  tail -n 5 "$LOG" >&2 || true
  # Stop only the dockerd this function started (setsid made it its own group leader).
  $SUDO kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do alive "$pid" || break; sleep 0.5; done
  $SUDO kill -KILL "$pid" 2>/dev/null || true
  $SUDO rm -f "$PIDFILE"
  return 1
}

if [ -n "${DOCKERD_ARGS:-}" ]; then
  # shellcheck disable=SC2086 # word splitting wanted
  try $DOCKERD_ARGS && exit 0
  exit 1
fi
try && exit 0
# Once more as is: a first start can fail for passing reasons (a stale containerd left by
# an engine that was killed, say); vfs would hide images built under overlay2.
try && exit 0
if try --storage-driver=vfs; then
  say "WARNING: running on the vfs storage driver (slow, large); images built under overlay2 must be rebuilt"
  exit 0
fi
if try --storage-driver=vfs --iptables=false --bridge=none; then
  say "WARNING: no bridge networking; containers get only --network host and published ports do not work"
  exit 0
fi
say "no Docker engine could be started here; see $LOG"
exit 1
