/**
 * The {@code umbra-sampler} thread: every gauge period it reads counters, MXBeans and the JFR
 * aggregates into the canonical series (docs/architecture.md, "Canonical series") and events; every
 * batch period it closes a batch into the buffer. Also the class histogram and what the agent knows
 * about its JVM.
 */
package dev.umbra.agent.sampler;
