#!/usr/bin/env bash
# The agent's steady-state overhead inside one JVM (issue 19): pinned Jetty (or WORKLOAD=h2-pinned)
# warmed up and measured, the agent attached through the Attach API, the server left to settle
# under load, then measured again; each configuration's after/before ratio over the same ratio
# of a server with nothing attached in the same round. Launch-to-launch noise (±20 % for one
# pinned Jetty) cancels out; what the agent does at launch is not measured here (see
# jetty-overhead.sh). A benchmark, not a test: it asserts nothing.
#
#   agent/bench/attach-overhead.sh [rounds] [warmup s] [settle s] [measure s] [out.md] ["none;normal;high"]
#
# Needs what jetty-overhead.sh needs (two CPUs, taskset, ab, the agent and the integration-test
# classes built).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
command -v ab >/dev/null || { echo "ab is missing: apt-get install -y apache2-utils" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset is missing (util-linux)" >&2; exit 1; }
[[ "$(nproc --all)" -ge 2 ]] || { echo "needs two CPUs" >&2; exit 1; }
agent="${AGENT_JAR:-$root/agent/core/target/umbra-agent.jar}"
classes="$root/integration-tests/target/test-classes"
[[ -f "$agent" ]] || { echo "build the agent first: $agent is missing" >&2; exit 1; }
cpfile="$(mktemp)"
trap 'rm -f "$cpfile"' EXIT
(cd "$root" && mvn -B -q -o -pl integration-tests -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" >&2)
exec taskset -c 1 java -Dumbra.agent.jar="$agent" \
  -Dumbra.java17.home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}" \
  -cp "$classes:$(cat "$cpfile")" dev.umbra.it.agent.AttachOverheadBenchmark \
  "${1:-4}" "${2:-40}" "${3:-60}" "${4:-20}" "${5:-/dev/null}" "${6:-none;normal;high}" "${WORKLOAD:-jetty}"
