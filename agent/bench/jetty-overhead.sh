#!/usr/bin/env bash
# The agent's overhead on the second quiet set-up: Jetty 12 serving a 4 KB static file, pinned
# to CPU 0 (taskset -c 0), under Apache ab (keep-alive, 4 connections) pinned to CPU 1; the
# benchmark JVM (and the recording collector the agent streams to) is pinned to CPU 1 too, so
# that everything the agent costs lands on Jetty's CPU. Interleaved A/B rounds, ratio of
# medians with min-max spread, start-up and RSS added, as agent-overhead.sh. A benchmark, not a
# test: it asserts nothing.
#
#   agent/bench/jetty-overhead.sh [rounds] [warmup s] [measure s] [out.md] ["none;low;normal;high;jfr-default"]
#
# Needs two CPUs, taskset (util-linux) and ab (Debian: apt-get install -y apache2-utils), and
# the agent and the integration-test classes built (see agent-overhead.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v ab >/dev/null || { echo "ab is missing: apt-get install -y apache2-utils" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset is missing (util-linux)" >&2; exit 1; }
[[ "$(nproc --all)" -ge 2 ]] || { echo "needs two CPUs" >&2; exit 1; }
WORKLOAD=jetty PIN="taskset -c 1" exec "$here/agent-overhead.sh" "${1:-5}" "${2:-10}" "${3:-20}" "${4:-/dev/null}" "${5:-none;low;normal;high;jfr-default}"
