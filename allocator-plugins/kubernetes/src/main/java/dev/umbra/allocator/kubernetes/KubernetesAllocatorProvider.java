package dev.umbra.allocator.kubernetes;

import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorContext;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.AllocatorProvider;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;

/**
 * Provides the {@code kubernetes} allocator. It uses the host's {@link KubernetesClient} if the
 * host offers one as a service; otherwise it builds its own from the usual sources (in-cluster
 * service account, kubeconfig, {@code KUBERNETES_*} variables), or from {@code masterUrl}.
 *
 * <p>Settings: {@code mode} ({@code resize}, the default, or {@code recommend}), {@code
 * allowRestart} (default false: refuse a resize whose resizePolicy restarts the container), {@code
 * minCpu} (cores, default 0.01), {@code minMemory} (default 16m), {@code requestTimeout} (default
 * 10s), {@code masterUrl} (optional).
 */
public final class KubernetesAllocatorProvider implements AllocatorProvider {

  /** Used by {@link java.util.ServiceLoader}. */
  public KubernetesAllocatorProvider() {}

  /** @return {@code kubernetes} */
  @Override
  public String name() {
    return "kubernetes";
  }

  /**
   * Opens the allocator; contacts no server yet.
   *
   * @throws AllocatorException for a bad setting, naming key and value
   */
  @Override
  public Allocator open(AllocatorContext context) throws AllocatorException {
    String mode = context.setting("mode", "resize");
    if (!mode.equals("resize") && !mode.equals("recommend")) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "setting mode='" + mode + "' is not resize or recommend");
    }
    Duration timeout = context.durationSetting("requestTimeout", Duration.ofSeconds(10));
    if (timeout.isZero()) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "setting requestTimeout must be > 0");
    }
    PodResizeAllocator.Settings settings = new PodResizeAllocator.Settings(mode.equals("recommend"),
        context.booleanSetting("allowRestart", false), context.doubleSetting("minCpu", 0.01),
        context.bytesSetting("minMemory", 16L << 20), timeout);
    var hostClient = context.service(KubernetesClient.class);
    if (hostClient.isPresent()) {
      return new PodResizeAllocator(hostClient.get(), false, settings);
    }
    return new PodResizeAllocator(build(context, timeout), true, settings);
  }

  private static KubernetesClient build(AllocatorContext context, Duration timeout) {
    Config base = context.setting("masterUrl").isPresent() ? Config.empty() : Config.autoConfigure(null);
    ConfigBuilder builder = new ConfigBuilder(base)
        .withRequestTimeout((int) timeout.toMillis())
        .withConnectionTimeout((int) Math.min(timeout.toMillis(), 5000))
        // The resource manager retries on its next tick; a long back-off here would stall it.
        .withRequestRetryBackoffLimit(1)
        .withRequestRetryBackoffInterval(200);
    context.setting("masterUrl").ifPresent(builder::withMasterUrl);
    return new KubernetesClientBuilder().withConfig(builder.build()).build();
  }
}
