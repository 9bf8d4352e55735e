/**
 * Byte Buddy advice for JDK file and socket I/O and the installer that weaves it in. The advice
 * classes are templates inlined into {@code java.io} and {@code sun.nio.ch} methods: static,
 * stateless, {@code suppress = Throwable.class}, and they only call
 * {@link dev.umbra.agent.bootstrap.IoCounters}. The installer runs once on {@code umbra-start}.
 */
package dev.umbra.agent.advice;
