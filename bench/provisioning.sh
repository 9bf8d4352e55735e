#!/usr/bin/env bash
# The resource manager's experiment (issue #7): a real primary JVM (PhasedWorkload, with the
# agent) in a cgroup of its own, under fixed limits, a reactive threshold autoscaler and Umbra's
# predictive manager (a real `umbra serve --manage auto --allocator cgroup`), then a JVM whose
# live set grows and shrinks under Umbra, against a VPA-style recommendation. A benchmark, not a
# test: it asserts nothing. Needs root (or a delegated cgroup) with the cpu and memory
# controllers; it creates and removes its own cgroups, also on failure.
#
#   bench/provisioning.sh [outDir=results/manager] [cpu|memory|all] [phaseSeconds=15] [measuredCycles=4] [learnCycles=4]
#
# Needs the shaded shadow and agent jars and the integration-test classes built, e.g.
#   mvn -B -q -pl shadow-runtime,agent/core,integration-tests -am package -DskipTests
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/results/manager}"; shift || true
shadow="$root/shadow-runtime/target/umbra-shadow.jar"
agent="$root/agent/core/target/umbra-agent.jar"
classes="$root/integration-tests/target/test-classes"
for f in "$shadow" "$agent" "$classes"; do
  [[ -e "$f" ]] || { echo "build first: $f is missing" >&2; exit 1; }
done
cpfile="$(mktemp)"
trap 'rm -f "$cpfile"' EXIT
# -am: the module's siblings (umbra-proto, allocator-cgroup, ...) resolve from their target folders
(cd "$root" && mvn -B -q -o -pl integration-tests -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" >&2)
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
exec java -Dumbra.shadow.jar="$shadow" -Dumbra.agent.jar="$agent" -Dumbra.java17.home="$java_home" \
  -Dumbra.test.classes="$classes" -cp "$classes:$(cat "$cpfile")" \
  dev.umbra.it.manager.ProvisioningBenchmark "$out" "$@"
