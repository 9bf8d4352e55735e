/**
 * Fleet tests: a real KRaft Kafka broker started by the test as its own process on loopback,
 * node shadows ({@code umbra serve --kafka}) and a trainer ({@code umbra train}) as processes,
 * and simulated agents that stream to them and move between shadows.
 */
package dev.umbra.it.fleet;
