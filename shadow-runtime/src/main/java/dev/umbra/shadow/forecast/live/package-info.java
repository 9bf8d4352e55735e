/**
 * Forecasts for live primaries, composed from the models of {@code forecast.baseline} and {@code
 * forecast.lstm} behind the contracts of {@code forecast}: which models a workload has ({@link
 * dev.umbra.shadow.forecast.live.LearnedModels}), training them in the background ({@link
 * dev.umbra.shadow.forecast.live.ModelTraining}, {@code umbra-train-1}, nice 19), streaming each
 * primary's series through them ({@link dev.umbra.shadow.forecast.live.OnlineInference}, {@code
 * umbra-forecast-1}), recalibrating their quantiles ({@link
 * dev.umbra.shadow.forecast.live.CalibratedForecaster}) and answering queries ({@link
 * dev.umbra.shadow.forecast.live.PrimaryForecasts}, on the caller's thread). Nothing in {@code
 * forecast} or its model packages depends on this one, which keeps them free of cycles.
 */
package dev.umbra.shadow.forecast.live;
