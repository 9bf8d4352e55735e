package dev.umbra.shadow.forecast.backtest;

import dev.umbra.shadow.forecast.Calibration;
import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.SelectingForecaster;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.baseline.EmpiricalPeakForecaster;
import dev.umbra.shadow.forecast.baseline.MovingWindowForecaster;
import dev.umbra.shadow.forecast.baseline.PeakLevel;
import dev.umbra.shadow.forecast.baseline.VpaForecaster;
import dev.umbra.shadow.forecast.live.CalibratedForecaster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The models the backtest knows, by name. Extra factories (the LSTM) are registered by the
 * caller; "selected" chooses among every other registered model except the VPA and the moving
 * window, whose limits are not quantiles of the peak. "calibrated-X" wraps model X in a
 * {@link CalibratedForecaster}; it is never a candidate of "selected".
 */
public final class ModelRegistry {
  public static final String VPA = "vpa";
  public static final String MOVING_WINDOW = "moving-window";
  public static final String SELECTED = "selected";
  public static final String CLAIRVOYANT = "clairvoyant";
  /** Registered by the caller after training (see {@link LstmFolds}). */
  public static final String LSTM = "lstm";
  /** Prefix of a recalibrated model's name: "calibrated-selected". */
  public static final String CALIBRATED = "calibrated-";

  private final Map<String, Function<SeriesProfile, OnlineForecaster.Factory>> factories = new LinkedHashMap<>();
  private final Duration maxGap;
  private final Calibration calibration;

  public ModelRegistry(Duration maxGap) {
    this(maxGap, Calibration.DEFAULT);
  }

  /** @param calibration how the "calibrated-" models learn */
  public ModelRegistry(Duration maxGap, Calibration calibration) {
    this.maxGap = maxGap;
    this.calibration = Objects.requireNonNull(calibration, "calibration");
    factories.put(VPA, p -> VpaForecaster.factory(s -> p));
    factories.put(MOVING_WINDOW, p -> MovingWindowForecaster.factory(s -> p));
    for (PeakLevel level : PeakLevel.values()) {
      factories.put(level.modelName(), p -> EmpiricalPeakForecaster.factory(level, s -> p, maxGap));
    }
  }

  /** Adds a model (e.g. the LSTM); it becomes a candidate of "selected". */
  public void register(String name, Function<SeriesProfile, OnlineForecaster.Factory> factory) {
    factories.put(name, factory);
  }

  /** Whether {@code models} needs the LSTM trained first ("lstm" or "calibrated-lstm"). */
  public static boolean needsLstm(List<String> models) {
    return models.contains(LSTM) || models.contains(CALIBRATED + LSTM);
  }

  /** Every name accepted by {@code --models}. */
  public List<String> names() {
    List<String> names = new ArrayList<>(factories.keySet());
    if (!names.contains(LSTM)) {
      names.add(LSTM);
    }
    names.add(SELECTED);
    for (String base : List.of(SELECTED, VPA, PeakLevel.EWMA.modelName(), PeakLevel.SEASONAL_NAIVE.modelName(),
        PeakLevel.RECENT_PEAK.modelName(), LSTM)) {
      names.add(CALIBRATED + base);
    }
    names.add(CLAIRVOYANT);
    return names;
  }

  /** The factory of {@code name} for a series with {@code profile}; null for the clairvoyant. */
  public OnlineForecaster.Factory factory(String name, SeriesProfile profile) {
    if (name.equals(CLAIRVOYANT)) {
      return null;
    }
    if (name.startsWith(CALIBRATED) && !name.equals(CALIBRATED + CLAIRVOYANT)) {
      OnlineForecaster.Factory inner = factory(name.substring(CALIBRATED.length()), profile);
      return CalibratedForecaster.factory(inner, s -> profile, calibration, maxGap);
    }
    if (name.equals(SELECTED)) {
      List<OnlineForecaster.Factory> candidates = new ArrayList<>();
      for (Map.Entry<String, Function<SeriesProfile, OnlineForecaster.Factory>> e : factories.entrySet()) {
        if (!e.getKey().equals(VPA) && !e.getKey().equals(MOVING_WINDOW)) {
          candidates.add(e.getValue().apply(profile));
        }
      }
      return SelectingForecaster.factory(candidates, maxGap);
    }
    Function<SeriesProfile, OnlineForecaster.Factory> f = factories.get(name);
    if (f == null && name.equals(LSTM)) {
      throw new IllegalStateException("the LSTM must be trained and registered before '" + LSTM + "' or '"
          + CALIBRATED + LSTM + "' is used");
    }
    if (f == null) {
      throw new IllegalArgumentException("unknown model '" + name + "'; known: " + names());
    }
    return f.apply(profile);
  }
}
