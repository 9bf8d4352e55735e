/**
 * Byte Buddy advice for JDK file and socket I/O and the weaver that inlines it. The advice
 * classes are templates inlined into {@code java.io} and {@code sun.nio.ch} methods: static,
 * stateless, {@code suppress = Throwable.class}, and they only call
 * {@link dev.umbra.agent.bootstrap.IoCounters}. This package and Byte Buddy are loaded only by
 * the throw-away {@code dev.umbra.agent.HookLoader} at start-up; nothing outside it refers to
 * them, so that they can be unloaded once the hooks are woven.
 */
package dev.umbra.agent.advice;
