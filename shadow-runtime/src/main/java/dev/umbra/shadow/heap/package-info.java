/**
 * Heap contents: the class histograms and old-object samples a primary's agent sends, kept per
 * primary and bounded ({@link dev.umbra.shadow.heap.HeapStore}), and which classes grew between
 * two histograms ({@link dev.umbra.shadow.heap.HeapGrowth}). Domain records only, no protobuf:
 * ingest converts the wire events into {@link dev.umbra.shadow.heap.HeapSnapshot} and {@link
 * dev.umbra.shadow.heap.OldObject}. The store is written on gRPC threads (ingest) and read by the
 * detector's thread, gRPC calls and the dashboard; it is thread-safe. A leaf: it imports nothing
 * of the shadow.
 */
package dev.umbra.shadow.heap;
