/**
 * {@code umbra demo}: the workload it runs as its primary ({@link
 * dev.umbra.shadow.demo.DemoWorkload}, a separate JVM with the agent, following a {@link
 * dev.umbra.shadow.demo.DemoPlan}), and, in the demo's own process, the live terminal view
 * ({@link dev.umbra.shadow.demo.DemoView}: fed on the shadow's threads by the resource manager's
 * decisions, the detector's anomalies, the supervisor's messages and rollbacks, and the
 * primary's output; a status line every two seconds from {@code umbra-demo-view}) and the
 * summary ({@link dev.umbra.shadow.demo.DemoSummary}, built once the primary has exited).
 */
package dev.umbra.shadow.demo;
