/**
 * Ingest: the server side of the agent stream. {@link dev.umbra.shadow.ingest.IngestService}
 * runs on gRPC threads; {@link dev.umbra.shadow.ingest.Ingest}'s tick thread closes grid seconds,
 * writes them to the {@link dev.umbra.shadow.series.SeriesStore} and acknowledges batches once
 * they are durable. Only the agent that bound a primary's id speaks for it: the first Hello binds
 * a {@link dev.umbra.shadow.ingest.SessionSecret}, other streams must prove it
 * ({@link dev.umbra.shadow.ingest.PrimarySession}); a {@link dev.umbra.shadow.ingest.SequenceWindow}
 * tells resends from new batches so that no sequence number can make later batches disappear.
 */
package dev.umbra.shadow.ingest;
