/**
 * The agent's entry points. {@link dev.umbra.agent.UmbraAgent} only parses the config and
 * starts the {@code umbra-start} daemon thread; {@link dev.umbra.agent.AgentRuntime} starts the
 * parts on that thread and closes them, in reverse order, on JVM shutdown;
 * {@link dev.umbra.agent.CracResource} owns the parts that hold sockets and files (the stream to
 * the shadow, the JFR stream) and closes and reopens them around a CRaC checkpoint, on the
 * JDK's checkpointing thread.
 */
package dev.umbra.agent;
