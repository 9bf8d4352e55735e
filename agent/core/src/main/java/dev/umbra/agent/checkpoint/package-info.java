/**
 * The agent's checkpoint bridge: the {@code app} engine, which quiesces, snapshots and restores
 * the application's {@code dev.umbra.api.Checkpointable} states through the platform MBean
 * server (JDK types only: the agent is shaded and the application's umbra-api may live in any
 * class loader), and streams them to and from the shadow through a {@link
 * dev.umbra.agent.checkpoint.StateTransfer}. Runs on the {@code umbra-command} thread, one
 * command at a time. The {@code crac} and {@code restart} engines run in the supervisor
 * ({@code umbra run}), not here; {@link dev.umbra.agent.checkpoint.JdkCrac} only registers the
 * agent's CRaC resource with a CRaC JDK (called on the JDK's checkpointing thread).
 */
package dev.umbra.agent.checkpoint;
