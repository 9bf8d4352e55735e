/**
 * The {@code kubernetes} allocator: in-place resize of a pod's container through the {@code
 * pods/resize} subresource (Kubernetes 1.33+, KEP-1287), with the fabric8 client.
 *
 * <p>It sets the container's CPU and memory <em>requests</em> to the desired allocation and scales
 * any limit in proportion, keeping the limit/request ratio (as the Vertical Pod Autoscaler does),
 * so the pod's QoS class does not change. It reads what the kubelet actually gave the container
 * from {@code status.containerStatuses[].resources} (and {@code allocatedResources}), and the
 * {@code PodResizePending} (reason {@code Deferred} or {@code Infeasible}) and {@code
 * PodResizeInProgress} conditions. A resize that the container's {@code resizePolicy} says needs a
 * restart is refused unless the setting {@code allowRestart} is true. In {@code mode=recommend} it
 * only says what it would patch.
 *
 * <p>Threads: no thread of its own; calls block on HTTP requests to the API server, bounded by
 * {@code requestTimeout}. Thread-safe.
 */
package dev.umbra.allocator.kubernetes;
