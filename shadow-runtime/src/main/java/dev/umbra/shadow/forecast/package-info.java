/**
 * Forecasts of a primary's demand as quantile distributions over a horizon.
 *
 * <p>Owns the domain API that the gRPC {@code ForecastService}, the anomaly detector and the
 * resource manager consume: {@link dev.umbra.shadow.forecast.HistoryWindow} (a regularly spaced
 * history of one series), {@link dev.umbra.shadow.forecast.Horizon}, {@link
 * dev.umbra.shadow.forecast.QuantileForecast} (quantiles per step plus the distribution of the
 * peak over the horizon, the model that made it, why it was chosen and any fallback reason) and
 * the two model shapes: {@link dev.umbra.shadow.forecast.Forecaster} (stateless, window in,
 * forecast out, thread-safe) and {@link dev.umbra.shadow.forecast.OnlineForecaster} (stateful, fed
 * sample by sample, confined to one thread), with the online decorators that select among
 * models ({@link dev.umbra.shadow.forecast.SelectingForecaster}, {@link
 * dev.umbra.shadow.forecast.ChallengerForecaster}) and recalibrate one ({@link
 * dev.umbra.shadow.forecast.live.CalibratedForecaster}). No protobuf here: {@code dev.umbra.shadow.grpc}
 * converts.
 *
 * <p>Threads in the shadow: {@link dev.umbra.shadow.forecast.live.OnlineInference} runs on {@code
 * umbra-forecast-1} (fed by the ingest tick through a bounded queue; batched LSTM steps and the
 * per-stream selectors), {@link dev.umbra.shadow.forecast.live.ModelTraining} on {@code umbra-train-1}
 * (nice 19, one native thread), {@link dev.umbra.shadow.forecast.live.PrimaryForecasts} on the caller's
 * (gRPC) thread, reading published snapshots or replaying the store's window.
 *
 * <p>Values are in the series' own unit (cores, bytes, bytes/s, …; in the backtest, the trace's
 * MHz and KB); times are {@link java.time.Instant}s and steps {@link java.time.Duration}s.
 */
package dev.umbra.shadow.forecast;
