/**
 * The series store: canonical series on the 1 s grid, recent seconds in memory and history in
 * an embedded DuckDB file, downsampled to minutes and expired by {@link
 * dev.umbra.shadow.series.Retention}. Written by one thread ({@code umbra-store-1}); read by any.
 */
package dev.umbra.shadow.series;
