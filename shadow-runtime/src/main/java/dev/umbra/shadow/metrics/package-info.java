/** The shadow's Prometheus metrics, exported on {@code /metrics}. Thread-safe. */
package dev.umbra.shadow.metrics;
