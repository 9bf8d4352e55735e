/**
 * The web dashboard on the shadow's HTTP port: static assets under {@code /dashboard/}, JSON under
 * {@code /api/}, and one server-sent event stream ({@code /api/events}) for live updates.
 *
 * <p>Threads: requests run on {@code umbra-http-*} and return at once (the event stream too: its
 * exchange stays open after the handler returns); grid seconds arrive on the ingest tick thread
 * and are only queued; {@code umbra-dashboard-1} makes forecasts and polls primaries and
 * checkpoints once a second; {@code umbra-dashboard-sse-*} (two threads, however many clients)
 * write queued events. Each client has a bounded queue; a client that falls behind is closed and
 * its browser reconnects and reloads.
 *
 * <p>Anomalies and decisions come in as the detector's and the resource manager's domain records
 * ({@code anomaly.Anomaly}, {@code manager.Decision}) and leave as the JSON of {@link Json}, the
 * one place both meet; no protobuf type is used here.
 */
package dev.umbra.shadow.dashboard;
