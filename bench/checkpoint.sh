#!/usr/bin/env bash
# Measures the app engine's checkpoint and restore times and stored sizes at several state sizes
# (a real umbra serve, a primary with the agent holding that much Checkpointable state; median
# and min-max over the rounds). A benchmark, not a test: it asserts only that restores were exact.
#
#   bench/checkpoint.sh [rounds] [sizes MiB, e.g. 1,100] [out.md]
#
# Needs the shaded shadow and agent and the integration-test classes built, e.g.
#   mvn -B -q -pl integration-tests -am test-compile package -DskipTests
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-5}" sizes="${2:-1,100}" out="${3:-/dev/null}"
agent="$root/agent/core/target/umbra-agent.jar"
shadow="$root/shadow-runtime/target/umbra-shadow.jar"
classes="$root/integration-tests/target/test-classes"
for f in "$agent" "$shadow" "$classes"; do
  [[ -e "$f" ]] || { echo "build first: $f is missing" >&2; exit 1; }
done
cpfile="$(mktemp)"
trap 'rm -f "$cpfile"' EXIT
(cd "$root" && mvn -B -q -o -pl integration-tests -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" >&2)
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
exec java -Dumbra.agent.jar="$agent" -Dumbra.shadow.jar="$shadow" -Dumbra.java17.home="$java_home" \
  -Dumbra.test.classes="$classes" -cp "$classes:$(cat "$cpfile")" \
  dev.umbra.it.checkpoint.CheckpointBenchmark "$rounds" "$sizes" "$out"
