#!/usr/bin/env bash
# The H2 set-up with the server pinned to CPU 0 (taskset -c 0) and the JDBC load client (the
# benchmark JVM, with the recording collector) pinned to CPU 1: the server is then bound by its
# one CPU, and what the agent costs it shows as lost statements per second instead of as a
# change in how the two busy CPUs are shared between server and client. Same report as
# agent-overhead.sh. A benchmark, not a test: it asserts nothing.
#
#   agent/bench/h2-pinned-overhead.sh [rounds] [warmup s] [measure s] [out.md] ["none;low;normal;high;jfr-default"]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v taskset >/dev/null || { echo "taskset is missing (util-linux)" >&2; exit 1; }
[[ "$(nproc --all)" -ge 2 ]] || { echo "needs two CPUs" >&2; exit 1; }
WORKLOAD=h2-pinned PIN="taskset -c 1" exec "$here/agent-overhead.sh" "${1:-5}" "${2:-30}" "${3:-20}" "${4:-/dev/null}" "${5:-none;low;normal;high;jfr-default}"
