package dev.umbra.shadow.cli;

import java.util.List;

/**
 * Commands that another jar on the class path adds to {@code umbra}, found through
 * {@link java.util.ServiceLoader}: the evaluation module ({@code umbra-evaluation.jar}: {@code demo},
 * {@code backtest}, {@code nab}) names its implementation in
 * {@code META-INF/services/dev.umbra.shadow.cli.CommandSource}. {@code umbra-shadow.jar} carries
 * none of them; without that jar beside it they are neither listed nor run (docs/architecture.md).
 */
public interface CommandSource {
  /** picocli command classes (with a no-argument constructor), in the order {@code umbra --help} lists them. */
  List<Class<?>> commands();
}
