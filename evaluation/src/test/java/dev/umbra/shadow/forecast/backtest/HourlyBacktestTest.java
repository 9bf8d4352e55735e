package dev.umbra.shadow.forecast.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.umbra.shadow.forecast.OnlineForecaster;
import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.baseline.EmpiricalPeakForecaster;
import dev.umbra.shadow.forecast.baseline.PeakLevel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HourlyBacktestTest {
  private static final int DAYS_10 = 10 * 288;
  @TempDir Path dir;

  private static HourlyBacktest backtest(List<String> models) {
    BacktestConfig config = BacktestConfig.headline(models, List.of(0.9, 0.99));
    return new HourlyBacktest(config, new ModelRegistry(config.maxGap()), new Costs());
  }

  private static Map<String, VmResult> byRow(HourlyBacktest.Result result) {
    Map<String, VmResult> out = new HashMap<>();
    result.rows().forEach(r -> out.put(r.row(), r));
    return out;
  }

  @Test
  void scoresTheTwoDaysAfterAnEightDayWarmup_andTheClairvoyantHasNoSlack() throws Exception {
    // a daily cycle: 1000 MHz at night, 3000 MHz by day
    VmTrace vm = BitbrainsReader.read(SyntheticTrace.write(dir, "1", DAYS_10,
        t -> (t / 3600) % 24 < 12 ? 1000 : 3000, t -> 1_000_000, null));
    HourlyBacktest.Result result = backtest(List.of("vpa", "ewma", "clairvoyant")).run(vm, TraceResource.CPU, null, null);
    // 8 d warm-up from T0 (an hour boundary); the last hour must end before the last sample
    assertThat(result.counts().scored()).isEqualTo(47);
    Map<String, VmResult> rows = byRow(result);
    assertThat(rows.get("clairvoyant").slack()).isZero();
    assertThat(rows.get("clairvoyant").shortageSteps()).isZero();
    // VPA: p90 of a half-1000/half-3000 history is 3000 MHz's bucket end (cores at 2000 MHz/core) x 1.15
    double cores = 1.5;
    double bucketEnd = dev.umbra.shadow.forecast.baseline.ExponentialBuckets.VPA_CPU_CORES.bucketStart(
        dev.umbra.shadow.forecast.baseline.ExponentialBuckets.VPA_CPU_CORES.findBucket(cores) + 1);
    assertThat(rows.get("vpa").shortageSteps()).isZero();
    // scored: day 8 (12 h at 1000, 12 h at 3000) and day 9 up to 22:00 (12 h at 1000, 11 h at 3000)
    double meanUsage = (24 * 1000.0 + 23 * 3000.0) / 47;
    assertThat(rows.get("vpa").slack()).isCloseTo(1 - meanUsage / (bucketEnd * 2000 * 1.15), within(1e-6));
    assertThat(rows.get("vpa").changesPerDay()).isZero();
    assertThat(rows.get("ewma@0.9").steps()).isEqualTo(47 * 12);
  }

  @Test
  void skipsHoursThatTouchAGap_forEveryModel() throws Exception {
    // rows 2600..2603 missing: a 25-minute hole on day 9
    VmTrace vm = BitbrainsReader.read(SyntheticTrace.write(dir, "2", DAYS_10, t -> 1000, t -> 1_000_000,
        i -> i >= 2600 && i < 2604));
    HourlyBacktest.Result result = backtest(List.of("vpa", "recent-peak", "clairvoyant")).run(vm, TraceResource.CPU, null, null);
    assertThat(result.counts().gapSkipped()).isEqualTo(2);
    assertThat(result.counts().scored()).isEqualTo(45);
    assertThat(result.rows()).allSatisfy(r -> assertThat(r.hours()).isEqualTo(45));
  }

  @Test
  void setsEachLimitFromDataBeforeTheLeadTimeOnly() throws Exception {
    // two traces identical before 9 d 12:00, then one spikes: limits up to that hour agree
    long spikeAt = SyntheticTrace.T0 + 9 * 86400 + 12 * 3600;
    Path calm = SyntheticTrace.write(dir.resolve("a"), "3", DAYS_10, t -> 1000 + (t % 7) * 10, t -> 1_000_000, null);
    Path spiky = SyntheticTrace.write(dir.resolve("b"), "3", DAYS_10,
        t -> t >= spikeAt ? 9000 : 1000 + (t % 7) * 10, t -> 1_000_000, null);
    List<String> models = List.of("vpa", "moving-window", "ewma", "seasonal-naive", "recent-peak", "selected",
        "calibrated-selected", "calibrated-vpa");
    Map<Long, Map<String, Double>> a = limits(backtest(models), BitbrainsReader.read(calm));
    Map<Long, Map<String, Double>> b = limits(backtest(models), BitbrainsReader.read(spiky));
    long decidedBeforeSpike = spikeAt; // the hour starting at 12:00 uses data up to 11:55
    assertThat(b.get(decidedBeforeSpike)).isEqualTo(a.get(decidedBeforeSpike));
    assertThat(b.get(decidedBeforeSpike + 3600)).isNotEqualTo(a.get(decidedBeforeSpike + 3600));
  }

  private static Map<Long, Map<String, Double>> limits(HourlyBacktest backtest, VmTrace vm) {
    Map<Long, Map<String, Double>> out = new HashMap<>();
    List<String> seen = new ArrayList<>();
    backtest.run(vm, TraceResource.CPU, (id, r, row, hour, limit) -> {
      out.computeIfAbsent(hour, h -> new HashMap<>()).put(row, limit);
      seen.add(row);
    }, null);
    assertThat(seen).isNotEmpty();
    return out;
  }

  @Test
  void horizonCoversLeadPlusPeriodInSampleSteps() {
    assertThat(backtest(List.of("vpa")).horizon().steps()).isEqualTo(13);
    assertThat(backtest(List.of("vpa")).horizon().step()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void emitsEveryRowAtTheStartOfTheScoredWholeUtcHour_andTheClairvoyantCoversItsSamples() throws Exception {
    // samples 204 s past the 5-minute grid, as in the Bitbrains files, with values that do not round
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < DAYS_10; i++) {
      long t = SyntheticTrace.T0 + 204 + 300L * i;
      rows.add(SyntheticTrace.row(t, 2, 1000 + (t * 7919 % 1000) / 7.0, 1_000_000 + (t * 104729 % 100_000) / 3.0));
    }
    VmTrace vm = BitbrainsReader.read(SyntheticTrace.writeGz(dir, "20", rows));
    Map<Long, Map<String, Double>> limits = limits(backtest(List.of("vpa", "recent-peak", "clairvoyant")), vm);
    assertThat(limits).isNotEmpty();
    for (Map.Entry<Long, Map<String, Double>> hour : limits.entrySet()) {
      long h = hour.getKey();
      assertThat(h % 3600).as("hour_start %d", h).isZero();
      assertThat(hour.getValue()).containsOnlyKeys("vpa", "recent-peak@0.9", "recent-peak@0.99", "clairvoyant");
      double peak = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < vm.size(); i++) {
        if (vm.timeSec(i) >= h && vm.timeSec(i) < h + 3600) {
          peak = Math.max(peak, vm.usage(TraceResource.CPU, i));
        }
      }
      assertThat(hour.getValue().get("clairvoyant")).as("hour %d", h).isEqualTo(peak);
    }
  }

  @Test
  void warmsUpFromTheFirstRowTheVmIsOn_andSkipsHoursWhileItIsOff() throws Exception {
    // off for the first day and for one hour on day 10: neither is scored as usage 0
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 11 * 288; i++) {
      long t = SyntheticTrace.T0 + 300L * i;
      boolean off = i < 288 || (i >= 10 * 288 + 24 && i < 10 * 288 + 36);
      rows.add(SyntheticTrace.row(t, off ? 0 : 2, off ? 0 : 1000, off ? 0 : 1_000_000));
    }
    VmTrace vm = BitbrainsReader.read(SyntheticTrace.writeGz(dir, "21", rows));
    HourlyBacktest.Result result = backtest(List.of("vpa", "clairvoyant")).run(vm, TraceResource.CPU, null, null);
    // scored from day 9 (8 days after the VM came on) to 22:00 on day 10, less the off hour, the
    // hour that ends at it and the hour whose forecast input straddles it
    assertThat(result.counts().gapSkipped()).isEqualTo(3);
    assertThat(result.counts().scored()).isEqualTo(47 - 3);
    assertThat(byRow(result).get("vpa").slack()).isLessThan(0.5);
  }

  @Test
  void saysWhyATraceTooShortForTheWarmupCannotBeScored() throws Exception {
    VmTrace vm = BitbrainsReader.read(SyntheticTrace.write(dir, "22", 3 * 288, t -> 1, t -> 1, null));
    assertThat(backtest(List.of("vpa")).unscorable(vm))
        .isEqualTo("too short: 3.00 days of samples, the 8d warm-up and one 1h period need more");
    VmTrace enough = BitbrainsReader.read(SyntheticTrace.write(dir, "23", DAYS_10, t -> 1, t -> 1, null));
    assertThat(backtest(List.of("vpa")).unscorable(enough)).isNull();
  }

  @Test
  void offersCalibratedLstmOnceTheLstmIsRegistered_andRefusesItBefore() throws Exception {
    BacktestConfig config = BacktestConfig.headline(List.of("lstm", "calibrated-lstm"), List.of(0.9, 0.99));
    ModelRegistry registry = new ModelRegistry(config.maxGap());
    assertThat(registry.names()).contains("lstm", "calibrated-lstm");
    assertThat(ModelRegistry.needsLstm(List.of("vpa", "calibrated-lstm"))).isTrue();
    assertThat(ModelRegistry.needsLstm(List.of("vpa", "calibrated-selected"))).isFalse();
    VmTrace vm = BitbrainsReader.read(
        SyntheticTrace.write(dir, "24", DAYS_10, t -> 1000 + (t / 300) % 5 * 100, t -> 1_000_000, null));
    SeriesProfile profile = TraceResource.CPU.profile(vm);
    assertThatThrownBy(() -> registry.factory("calibrated-lstm", profile))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the LSTM must be trained and registered before 'lstm' or 'calibrated-lstm' is used");
    // a stand-in for LstmFolds' factory (training is slow): any model registered under "lstm"
    registry.register("lstm", p -> OnlineForecaster.Factory.of("lstm",
        EmpiricalPeakForecaster.factory(PeakLevel.RECENT_PEAK, s -> p, config.maxGap())::create));
    assertThat(registry.factory("calibrated-lstm", profile).name()).isEqualTo("calibrated-lstm");
    Map<String, VmResult> rows = byRow(new HourlyBacktest(config, registry, new Costs()).run(vm, TraceResource.CPU, null, null));
    assertThat(rows).containsKeys("lstm@0.9", "calibrated-lstm@0.9", "calibrated-lstm@0.99");
    assertThat(rows.get("calibrated-lstm@0.9").hours()).isEqualTo(rows.get("lstm@0.9").hours()).isPositive();
  }
}
