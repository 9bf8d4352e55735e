/**
 * Anomaly detection: behaviour of a primary that the short-horizon forecast distribution of each
 * series says is unlikely, merged across series into one anomaly per incident.
 *
 * <p>The pipeline, per series and streaming (no look-ahead): {@link
 * dev.umbra.shadow.anomaly.SeriesDetector} forecasts the next value as the empirical
 * distribution of the recent window with exponential tails beyond its 10 % and 90 % quantiles,
 * turns each observation into a surprise (the negative log of its tail probability relative to
 * the band's), smooths it, and compares it with a threshold learned from the series' own recent
 * smoothed surprises (nonparametric dynamic thresholding, after Hundman et al. 2018); repeated
 * alarms are suppressed until the series has calmed down. {@link
 * dev.umbra.shadow.anomaly.PrimaryDetector} merges the alarms of one primary's series into
 * incidents. Both are confined to one thread and know nothing of gRPC or the store.
 *
 * <p>In the shadow, {@link dev.umbra.shadow.anomaly.AnomalyDetection} is the ingest {@code
 * GridListener}: it copies each closed grid second onto its own thread ({@code
 * umbra-anomaly-detect-1}), feeds the primary's detector and publishes anomalies to {@link
 * dev.umbra.shadow.anomaly.AnomalyLog}, the checkpoint coordinator and the {@link
 * dev.umbra.shadow.anomaly.Alerts}. The log keeps the domain record {@link
 * dev.umbra.shadow.anomaly.Anomaly}; {@code dev.umbra.shadow.grpc.AnomalyMapping} is the one
 * conversion to the {@code umbra.v1.Anomaly} message, used at the gRPC, Kafka and webhook edges.
 *
 * <p>{@link dev.umbra.shadow.anomaly.SurpriseDetector} is the detector of a single series that
 * {@code umbra nab} runs (surprise under three forecasts, each through an {@link
 * dev.umbra.shadow.anomaly.AnomalyLikelihood} layer). Live, each series runs one beside its {@link
 * dev.umbra.shadow.anomaly.SeriesDetector}, with the same settings ({@code SurpriseEvidence}), and
 * {@code PrimaryScoring} publishes an incident only when the surprise score of one of its series
 * agrees or the incident is a recurrence of a published one ({@code IncidentGate}); its score is
 * then the surprise likelihood.
 */
package dev.umbra.shadow.anomaly;
