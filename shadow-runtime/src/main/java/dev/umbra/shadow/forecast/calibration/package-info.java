/**
 * Online recalibration of any {@link dev.umbra.shadow.forecast.OnlineForecaster}: a decorator
 * that learns, per series, how the wrapped model's peak quantiles have missed the realised peaks
 * and corrects them, so that a limit set at confidence c is exceeded on about 1 − c of the
 * horizons. It learns only from horizons that have ended before the origin. Runs on whatever
 * thread feeds the wrapped model (one per instance, like every online forecaster).
 */
package dev.umbra.shadow.forecast.calibration;
