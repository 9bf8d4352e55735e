/**
 * Commands from the shadow, executed on the agent's own {@code umbra-command} thread: live
 * sampling changes, manageable JVM flags; checkpoint and rollback go to the in-process engines of
 * {@code dev.umbra.agent.checkpoint}. Results go back through the transport.
 */
package dev.umbra.agent.command;
