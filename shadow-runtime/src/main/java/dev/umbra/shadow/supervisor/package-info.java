/**
 * {@code umbra run}: the supervisor that runs a primary JVM as its child, with the agent injected
 * and in a cgroup of its own, beside an in-process shadow; it checkpoints the primary with the
 * engine chosen for it ({@code app} in place through the agent, {@code crac} by {@code jcmd
 * JDK.checkpoint} and a relaunch from the image, {@code restart} by relaunching the launch
 * command), executes rollbacks, forwards signals and hands back the primary's exit code.
 *
 * <p>Threads: the caller of {@link dev.umbra.shadow.supervisor.Supervisor#run()} waits for the
 * primary; {@code umbra-supervisor} runs periodic checkpoints; rollbacks run on whatever thread
 * completes them (the anomaly policy's caller, gRPC's).
 */
package dev.umbra.shadow.supervisor;
