/**
 * Baseline forecasters the learned model must beat to be used: a faithful port of the
 * Kubernetes VPA recommender (decaying exponential histograms, per-interval memory peaks,
 * safety margin, confidence multipliers), an Autopilot-style moving window, and empirical
 * peak models over seasonal-naive, EWMA and recent-peak levels. All are {@link
 * dev.umbra.shadow.forecast.OnlineForecaster}s: stateful, one instance per series, confined to
 * the thread that feeds it.
 */
package dev.umbra.shadow.forecast.baseline;
