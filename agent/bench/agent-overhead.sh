#!/usr/bin/env bash
# Measures the agent's overhead on a third-party workload (H2 server under a JDBC SQL load):
# throughput at each criticality against no agent (interleaved rounds, ratio of medians with
# spread), start-up time added and extra RSS. A benchmark, not a test: it asserts nothing.
#
#   agent/bench/agent-overhead.sh [rounds] [warmup s] [measure s] [out.md] ["none;normal;criticality=normal,jfr=false"]
#
# Configurations (the first is the baseline): none, jfr-default, jvm:<JVM args>, a criticality,
# agent options, either optionally @/path/to/another/umbra-agent.jar (to interleave two builds);
# otel (the OpenTelemetry Java agent, from OTEL_JAR=/path/opentelemetry-javaagent.jar).
#
# Needs the shaded agent and the integration-test classes built, e.g.
#   mvn -B -q -pl integration-tests -am test-compile package -DskipTests
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${1:-5}" warmup="${2:-10}" measure="${3:-20}" out="${4:-/dev/null}" configs="${5:-none;low;normal;high;jfr-default}" workload="${WORKLOAD:-h2}"
agent="${AGENT_JAR:-$root/agent/core/target/umbra-agent.jar}"
classes="$root/integration-tests/target/test-classes"
[[ -f "$agent" ]] || { echo "build the agent first: $agent is missing" >&2; exit 1; }
[[ -d "$classes" ]] || { echo "compile the integration tests first: $classes is missing" >&2; exit 1; }
cpfile="$(mktemp)"
trap 'rm -f "$cpfile"' EXIT
# -am: the module's own siblings (umbra-proto, …) resolve from their target folders, never ~/.m2
(cd "$root" && mvn -B -q -o -pl integration-tests -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" >&2)
exec ${PIN:-} java -Dumbra.agent.jar="$agent" ${OTEL_JAR:+-Dumbra.bench.otel.jar="$OTEL_JAR"} -Dumbra.java17.home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}" \
  -cp "$classes:$(cat "$cpfile")" dev.umbra.it.agent.AgentOverheadBenchmark "$rounds" "$warmup" "$measure" "$out" "$configs" "$workload"
