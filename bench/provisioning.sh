#!/usr/bin/env bash
# The resource manager's experiment (issue #7): a real primary JVM (PhasedWorkload, with the
# agent) in a cgroup of its own, under fixed limits, a reactive threshold autoscaler and Umbra's
# predictive manager (a real `umbra serve --manage auto --allocator cgroup`), repeated with the
# order rotated; then a JVM whose live set grows and shrinks under Umbra, against a VPA-style
# recommendation. A benchmark, not a test: it asserts nothing. Needs root (or a delegated
# cgroup) with the cpu and memory controllers; it creates and removes its own cgroups, also on
# failure, and gives the primary and the shadow a high CPU weight (cpu.shares) so that on a
# shared, loaded machine the quota under test, not contention, decides what the primary gets.
#
#   bench/provisioning.sh [outDir=results/manager] [cpu|memory|all] [phaseSeconds=15] [measuredCycles=2] [learnCycles=4] [repetitions=3]
#
# Writes cpu.md/.csv/.svg and memory.md/.csv/.svg to outDir. The jars and classes are copied to a
# temporary folder first, so the tree can be rebuilt while it runs. Needs the shaded shadow and
# agent jars and the integration-test classes built, e.g.
#   mvn -B -q -pl shadow-runtime,agent/core,integration-tests -am package -DskipTests
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/results/manager}"; shift || true
mkdir -p "$out"; out="$(cd "$out" && pwd)"
shadow="$root/shadow-runtime/target/umbra-shadow.jar"
agent="$root/agent/core/target/umbra-agent.jar"
classes="$root/integration-tests/target/test-classes"
for f in "$shadow" "$agent" "$classes"; do
  [[ -e "$f" ]] || { echo "build first: $f is missing" >&2; exit 1; }
done
stage="$(mktemp -d /tmp/umbra-provisioning-stage.XXXXXX)"
trap 'rm -rf "$stage"' EXIT
cpfile="$stage/cp.txt"
# -am: the module's siblings (umbra-proto, allocator-cgroup, ...) resolve from their target folders
(cd "$root" && mvn -B -q -o -pl integration-tests -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" >&2)
cp "$shadow" "$stage/umbra-shadow.jar"
cp "$agent" "$stage/umbra-agent.jar"
cp -r "$classes" "$stage/test-classes"
cp=""
IFS=: read -ra entries <<< "$(cat "$cpfile")"
for e in "${entries[@]}"; do
  if [[ "$e" == "$root"/* && -d "$e" ]]; then # a sibling module's classes: copy them too
    rel="${e#"$root"/}"; mkdir -p "$stage/cp/$rel"; cp -r "$e/." "$stage/cp/$rel/"; e="$stage/cp/$rel"
  fi
  cp="$cp:$e"
done
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
java -Dumbra.shadow.jar="$stage/umbra-shadow.jar" -Dumbra.agent.jar="$stage/umbra-agent.jar" \
  -Dumbra.java17.home="$java_home" -Dumbra.test.classes="$stage/test-classes" \
  -cp "$stage/test-classes$cp" dev.umbra.it.manager.ProvisioningBenchmark "$out" "$@"
