/**
 * The agent's entry points. {@link dev.umbra.agent.UmbraAgent} only parses the config and
 * starts the {@code umbra-start} daemon thread; {@link dev.umbra.agent.AgentRuntime} starts the
 * parts on that thread and closes them, in reverse order, on JVM shutdown.
 */
package dev.umbra.agent;
