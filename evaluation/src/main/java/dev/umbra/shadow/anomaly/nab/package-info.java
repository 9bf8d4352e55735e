/**
 * The Numenta Anomaly Benchmark harness behind {@code umbra nab}: reading NAB's data and label
 * files ({@link dev.umbra.shadow.anomaly.nab.NabCorpus}), running the shadow's own detector and a
 * windowed-Gaussian baseline over them row by row ({@link dev.umbra.shadow.anomaly.nab.NabRunner}),
 * writing results in NAB's layout, and scoring them with NAB's published rules ({@link
 * dev.umbra.shadow.anomaly.nab.NabScorer}). Runs on the caller's thread.
 */
package dev.umbra.shadow.anomaly.nab;
