package dev.umbra.shadow.anomaly;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds a domain {@link Anomaly} for tests, field by field, with neutral defaults. */
public final class TestAnomaly {
  private String id = "a-1";
  private String primaryId = "p";
  private String workload = "";
  private String series = "cpu.process";
  private final List<String> related = new ArrayList<>();
  private Kind kind = Kind.LEVEL_SHIFT;
  private long onsetUnixMs;
  private long detectedUnixMs;
  private double score = 0.5;
  private double observed;
  private double expectedLow;
  private double expectedHigh;
  private String explanation = "";

  private TestAnomaly() {}

  public static TestAnomaly newBuilder() {
    return new TestAnomaly();
  }

  public TestAnomaly setId(String v) {
    id = v;
    return this;
  }

  public TestAnomaly setPrimaryId(String v) {
    primaryId = v;
    return this;
  }

  public TestAnomaly setWorkload(String v) {
    workload = v;
    return this;
  }

  public TestAnomaly setSeries(String v) {
    series = v;
    return this;
  }

  public TestAnomaly addRelatedSeries(String v) {
    related.add(v);
    return this;
  }

  public TestAnomaly addAllRelatedSeries(List<String> v) {
    related.addAll(v);
    return this;
  }

  public TestAnomaly setKind(Kind v) {
    kind = v;
    return this;
  }

  public TestAnomaly setOnsetUnixMs(long v) {
    onsetUnixMs = v;
    return this;
  }

  public TestAnomaly setDetectedUnixMs(long v) {
    detectedUnixMs = v;
    return this;
  }

  public TestAnomaly setScore(double v) {
    score = v;
    return this;
  }

  public TestAnomaly setObserved(double v) {
    observed = v;
    return this;
  }

  public TestAnomaly setExpectedLow(double v) {
    expectedLow = v;
    return this;
  }

  public TestAnomaly setExpectedHigh(double v) {
    expectedHigh = v;
    return this;
  }

  public TestAnomaly setExplanation(String v) {
    explanation = v;
    return this;
  }

  public Anomaly build() {
    return new Anomaly(id, primaryId, workload, series, related, kind, Instant.ofEpochMilli(onsetUnixMs),
        Instant.ofEpochMilli(detectedUnixMs), Instant.ofEpochMilli(detectedUnixMs), score, observed, expectedLow,
        expectedHigh, explanation);
  }
}
