package dev.umbra.allocator;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds allocator providers with {@link ServiceLoader} and opens the one configuration names.
 *
 * <p>A provider that fails to load (built for a newer JDK, a missing dependency, a constructor
 * that throws) is skipped with a warning, as OpenTelemetry's {@code SafeServiceLoader} does, so
 * one broken plugin jar does not stop the others. Stateless and thread-safe.
 */
public final class Allocators {

  private static final System.Logger logger = System.getLogger(Allocators.class.getName());

  private static final int MAX_FAILURES = 64;

  private Allocators() {}

  /**
   * Opens the allocator of the provider with the given name.
   *
   * @param name the provider name from configuration, for example {@code cgroup}
   * @param context the plugin's settings and the host's services
   * @param classLoader where to look for providers
   * @return an open allocator, owned by the caller
   * @throws AllocatorException with {@link AllocatorException.Reason#UNAVAILABLE_HERE} naming the
   *     known providers if none has that name, or whatever the provider's {@code open} throws
   */
  public static Allocator load(String name, AllocatorContext context, ClassLoader classLoader)
      throws AllocatorException {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(context, "context");
    TreeMap<String, AllocatorProvider> providers = new TreeMap<>();
    for (AllocatorProvider provider : providers(classLoader)) {
      providers.putIfAbsent(provider.name(), provider);
    }
    AllocatorProvider chosen = providers.get(name.strip());
    if (chosen == null) {
      throw new AllocatorException(AllocatorException.Reason.UNAVAILABLE_HERE,
          "unknown allocator '" + name + "'; known allocators: "
              + (providers.isEmpty() ? "none (no allocator plugin on the class path)" : String.join(", ", providers.keySet())));
    }
    return chosen.open(context);
  }

  /**
   * Lists the providers that load, in class-path order, skipping those that fail.
   *
   * @param classLoader where to look
   * @return a new list
   */
  public static List<AllocatorProvider> providers(ClassLoader classLoader) {
    List<AllocatorProvider> found = new ArrayList<>();
    Iterator<AllocatorProvider> iterator = ServiceLoader.load(AllocatorProvider.class, classLoader).iterator();
    // ServiceLoader moves past a provider that fails; the bound only guards against a loader that
    // keeps failing on the same entry.
    for (int failures = 0; failures < MAX_FAILURES; ) {
      try {
        if (!iterator.hasNext()) {
          return found;
        }
        AllocatorProvider provider = iterator.next();
        String providerName = provider.name();
        if (providerName == null || providerName.isBlank()) {
          logger.log(Level.WARNING, "allocator provider " + provider.getClass().getName() + " has no name; skipped");
          continue;
        }
        found.add(provider);
      } catch (ServiceConfigurationError | LinkageError e) {
        failures++;
        logger.log(Level.WARNING, "allocator provider failed to load and was skipped: " + e);
      }
    }
    logger.log(Level.WARNING, "gave up listing allocator providers after " + MAX_FAILURES + " failures");
    return found;
  }
}
