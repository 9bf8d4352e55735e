/**
 * End-to-end tests of the agent with real processes: primaries (H2 server, small sample
 * programs) with the shaded agent on JDK 17 and 25, a {@link dev.umbra.it.agent.RecordingCollector}
 * standing in for the shadow's ingest, attach through {@code umbra attach}, and injected faults.
 */
package dev.umbra.it.agent;
