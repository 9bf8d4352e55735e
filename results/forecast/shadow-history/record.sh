#!/usr/bin/env bash
# Records a shadow history: umbra serve (main's jar) + two runs of the same light workload with the agent.
set -u
D=/tmp/fc/shadow-data
mkdir -p $D
cd /tmp/fc
export OMP_NUM_THREADS=1
nice -n 10 java -Xmx256m -jar /work/main/shadow-runtime/target/umbra-shadow.jar serve --port 7391 --http-port 7392 --data $D > /tmp/fc/serve.log 2>&1 &
echo $! > /tmp/fc/serve.pid
sleep 15
for i in 1 2; do
  nice -n 10 java -Xmx128m -javaagent:/work/main/agent/core/target/umbra-agent.jar=shadow=127.0.0.1:7391,criticality=normal Wave.java ${SECONDS_TO_RUN:-2700} > /tmp/fc/wave$i.log 2>&1 &
  echo $! > /tmp/fc/wave$i.pid
done
wait $(cat /tmp/fc/wave1.pid) $(cat /tmp/fc/wave2.pid)
sleep 5
kill $(cat /tmp/fc/serve.pid)
wait
echo recorded
