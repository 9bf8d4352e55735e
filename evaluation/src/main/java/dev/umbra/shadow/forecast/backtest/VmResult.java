package dev.umbra.shadow.forecast.backtest;

/**
 * One VM, resource and model row: its limit scores and (NaN where not applicable) forecast
 * scores. {@code row} is the model plus, for quantile models, the confidence of its limit
 * ({@code selected@0.95}). {@code exceedance} is the share of hours whose peak exceeded the limit.
 */
public record VmResult(
    String vm,
    String resource,
    String row,
    String model,
    long hours,
    long steps,
    double slack,
    double shortageSteps,
    double shortageVolume,
    double changesPerDay,
    double pinball,
    double coverage80,
    double coverage90,
    double exceedance) {}
