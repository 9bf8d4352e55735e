/**
 * The forecast backtest: reads VM traces (Bitbrains GWA-T-12 format), replays them through
 * every model with the hourly provisioning protocol (rolling origin, data available at the
 * decision time only, hold the limit for the hour, skip hours that touch a gap) and scores
 * pinball loss, interval coverage, slack, shortage and limit changes. Runs on the caller's
 * thread ({@code umbra backtest}); nothing here is shared between threads.
 */
package dev.umbra.shadow.forecast.backtest;
