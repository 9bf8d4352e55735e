package dev.umbra.shadow.cli;

import java.util.List;

/**
 * The evaluation module's commands, which {@code umbra} lists when {@code umbra-evaluation.jar} is
 * on its class path: the demo, the forecasters' backtest and the detector's NAB run. They live in
 * {@code dev.umbra.shadow.cli} (a package split across the two jars, on the class path only) for
 * the command line's package-private parts: {@link SupervisedRun}, {@link UsageException}, the
 * agent jar lookup of {@code umbra attach}.
 */
public final class EvaluationCommands implements CommandSource {
  @Override
  public List<Class<?>> commands() {
    return List.of(DemoCommand.class, BacktestCommand.class, NabCommand.class);
  }
}
