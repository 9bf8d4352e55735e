#!/usr/bin/env bash
# Which part of the agent costs what (issue 19): the pinned Jetty set-up of jetty-overhead.sh
# (or the pinned H2 one, WORKLOAD=h2-pinned) with each part switched off in turn, beside no
# agent, the OpenTelemetry Java agent (every exporter off) and JFR's default recording.
# Interleaved rounds; throughput ratio and the server's CPU time per request (/proc/<pid>/stat),
# medians with min-max. A benchmark, not a test: it asserts nothing.
#
#   agent/bench/overhead-attribution.sh [rounds] [warmup s] [measure s] [out.md] [configs]
#
# Configurations beside none/otel/jfr-default/normal/high: normal with one part off, through a
# diagnostic agent option (docs/configuration.md):
#   io.hooks=false          no I/O advice woven into the JDK
#   io.detail=off           the advice counts totals only: no per-endpoint table, no timing
#   alloc.samples=0         no JFR allocation sampling
#   execution.period=off    no JFR execution sampling
#   histogram.period=off    no class histograms / old-object samples
#   shadow=127.0.0.1:9      nothing listens there: no stream, the buffer drops the batches
#
# Needs what jetty-overhead.sh needs (two CPUs, taskset, ab from Debian apache2-utils, the agent
# and the integration-test classes built) and the OpenTelemetry agent jar from Maven Central
# (fetched once with mvn into integration-tests/target/bench/; OTEL_JAR=… to use another).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
otel_version="2.10.0"
if [[ -z "${OTEL_JAR:-}" ]]; then
  OTEL_JAR="$root/integration-tests/target/bench/opentelemetry-javaagent-$otel_version.jar"
  [[ -f "$OTEL_JAR" ]] || mvn -B -q dependency:copy \
    -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$otel_version" \
    -DoutputDirectory="$(dirname "$OTEL_JAR")" >&2
fi
export OTEL_JAR
n="criticality=normal"
default="none;otel;jfr-default;normal;high;$n,io.hooks=false;$n,io.detail=off;$n,alloc.samples=0;$n,execution.period=off;$n,histogram.period=off;$n,shadow=127.0.0.1:9"
case "${WORKLOAD:-jetty}" in
  jetty) exec "$here/jetty-overhead.sh" "${1:-5}" "${2:-10}" "${3:-10}" "${4:-/dev/null}" "${5:-$default}" ;;
  h2-pinned) exec "$here/h2-pinned-overhead.sh" "${1:-5}" "${2:-30}" "${3:-20}" "${4:-/dev/null}" "${5:-$default}" ;;
  *) echo "WORKLOAD must be jetty or h2-pinned" >&2; exit 2 ;;
esac
