/**
 * Ingest: the server side of the agent stream. {@link dev.umbra.shadow.ingest.IngestService}
 * runs on gRPC threads; {@link dev.umbra.shadow.ingest.Ingest}'s tick thread closes grid seconds,
 * writes them to the {@link dev.umbra.shadow.series.SeriesStore} and acknowledges batches once
 * they are durable.
 */
package dev.umbra.shadow.ingest;
