package dev.umbra.agent.checkpoint.fakecrac;

/** Shaped like {@code jdk.crac.Resource} of a CRaC JDK, for tests on a JDK without one. */
public interface Resource {
  void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

  void afterRestore(Context<? extends Resource> context) throws Exception;
}
