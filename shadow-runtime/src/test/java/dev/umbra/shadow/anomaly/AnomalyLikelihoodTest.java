package dev.umbra.shadow.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AnomalyLikelihoodTest {

  @Test
  void history_isTheNewestValues_inWholeBlocksPlusTheOneFilling() {
    AnomalyLikelihood.History history = new AnomalyLikelihood.History(1000, 100);
    List<Double> all = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 3456; i++) {
      double v = random.nextDouble() * (i < 2000 ? 1 : 0.1); // the level changes: old blocks must go
      history.add(v);
      all.add(v);
      int n = history.size();
      assertThat(n).isEqualTo(Math.min(all.size(), 1000 + all.size() % 100));
      List<Double> newest = all.subList(all.size() - n, all.size());
      double mean = newest.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double variance = newest.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / n;
      assertThat(history.mean()).isCloseTo(mean, within(1e-9));
      assertThat(history.std()).isCloseTo(Math.sqrt(variance), within(1e-9));
    }
  }

  @Test
  void aCalmSeries_scoresItsFirstBurstHigh_andANoisyOneDoesNot() {
    AnomalyLikelihood calm = new AnomalyLikelihood(10, 8640, 100, 0.03);
    AnomalyLikelihood noisy = new AnomalyLikelihood(10, 8640, 100, 0.03);
    Random random = new Random(3);
    for (int i = 0; i < 2000; i++) {
      calm.observe(0.1);
      noisy.observe(random.nextDouble());
    }
    double calmScore = 0;
    double noisyScore = 0;
    for (int i = 0; i < 5; i++) {
      calmScore = calm.observe(1.0);
      noisyScore = noisy.observe(1.0);
    }
    assertThat(calmScore).isGreaterThanOrEqualTo(0.5);
    assertThat(noisyScore).isLessThan(0.4);
  }
}
