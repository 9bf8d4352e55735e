#!/usr/bin/env bash
# Where the agent's memory and start-up go: the H2 primary with -XX:NativeMemoryTracking=summary
# per configuration (interleaved rounds), then jcmd's NMT summary, loaded classes by origin,
# threads, and the live heap of agent objects, as medians side by side.
#
#   agent/bench/agent-footprint.sh [rounds] [load s] [out.md] ["none;normal;criticality=normal,jfr=false;normal@/tmp/old-agent.jar"]
#
# Needs the agent and the integration-test classes built (see agent-overhead.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${1:-3}" load="${2:-20}" out="${3:-}" configs="${4:-none;low;normal;high;criticality=normal,io.hooks=false,jfr=false}"
agent="$root/agent/core/target/umbra-agent.jar"
classes="$root/integration-tests/target/test-classes"
[[ -f "$agent" ]] || { echo "build the agent first: $agent is missing" >&2; exit 1; }
[[ -d "$classes" ]] || { echo "compile the integration tests first: $classes is missing" >&2; exit 1; }
cpfile="$(mktemp)"
trap 'rm -f "$cpfile"' EXIT
(cd "$root" && mvn -B -q -o -pl integration-tests -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" >&2)
exec java -Dumbra.agent.jar="$agent" -Dumbra.java17.home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}" \
  -cp "$classes:$(cat "$cpfile")" dev.umbra.it.agent.AgentFootprint "$rounds" "$load" "$out" "$configs"
