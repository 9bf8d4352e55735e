/**
 * Commands from the shadow, executed on the agent's own {@code umbra-command} thread: live
 * sampling changes, manageable JVM flags; checkpoint and rollback answer "unsupported" until
 * the checkpoint bridge exists. Results go back through the transport.
 */
package dev.umbra.agent.command;
