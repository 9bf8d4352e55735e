package dev.umbra.shadow.forecast;

/**
 * Makes a quantile forecast of one series from a window of its history. Implementations are
 * stateless or internally synchronised: thread-safe, so one instance serves every primary.
 */
public interface Forecaster {
  /** Stable model name, as in the contract: "lstm", "vpa", "moving-window", "ewma", … */
  String name();

  /**
   * @param history the series so far, on a regular grid
   * @param horizon how far ahead; step need not equal the history's step
   * @param levels quantile levels, strictly increasing in (0, 1)
   * @throws InsufficientHistoryException when the window is too short for this model
   */
  QuantileForecast forecast(HistoryWindow history, Horizon horizon, QuantileLevels levels)
      throws InsufficientHistoryException;
}
