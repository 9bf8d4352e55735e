/**
 * What advised JDK code may touch: counters and the endpoint table the I/O advice bumps, and the
 * {@link dev.umbra.agent.bootstrap.AgentThread} marker the advice checks to skip the agent's own
 * I/O. JDK imports only. At start-up these classes are appended to the bootstrap class loader
 * search path so that advice inlined into {@code java.io} and {@code sun.nio.ch} resolves them;
 * application threads run this code inside their I/O calls, the sampler thread drains it.
 */
package dev.umbra.agent.bootstrap;
