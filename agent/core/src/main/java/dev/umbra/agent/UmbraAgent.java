package dev.umbra.agent;

import java.lang.instrument.Instrumentation;

/**
 * {@code premain} and {@code agentmain}. Rules, as in the OpenTelemetry agent: do little here
 * (parse the options once, start the {@code umbra-start} daemon thread, return), keep no static
 * state, touch no logging framework, and never let anything escape into the JVM: a failure is
 * one line on stderr and the application starts without the agent.
 */
public final class UmbraAgent {
  private UmbraAgent() {}

  public static void premain(String agentArgs, Instrumentation instrumentation) {
    start(agentArgs, instrumentation, false);
  }

  public static void agentmain(String agentArgs, Instrumentation instrumentation) {
    start(agentArgs, instrumentation, true);
  }

  private static void start(String agentArgs, Instrumentation instrumentation, boolean attached) {
    try {
      AgentRuntime.launch(agentArgs, instrumentation, attached);
    } catch (Throwable t) {
      System.err.println("umbra-agent ERROR the agent did not start and is off (" + t + "); the application runs without it");
    }
  }
}
