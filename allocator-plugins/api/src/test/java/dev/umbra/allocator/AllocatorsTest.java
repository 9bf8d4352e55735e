package dev.umbra.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AllocatorsTest {

  private final ClassLoader loader = AllocatorsTest.class.getClassLoader();

  @Test
  void opensTheNamedProvider_withTheGivenContext() throws AllocatorException {
    AllocatorContext context = AllocatorContext.of(Map.of("k", "v"));

    try (Allocator allocator = Allocators.load(" recording ", context, loader)) {
      assertThat(allocator).isInstanceOf(RecordingAllocator.class);
      assertThat(((RecordingAllocator) allocator).context).isSameAs(context);
    }
  }

  @Test
  void skipsProvidersThatFailToLoad_andListsTheOthers() {
    assertThat(Allocators.providers(loader)).extracting(AllocatorProvider::name).containsExactly("recording");
  }

  @Test
  void refusesAnUnknownName_listingTheKnownOnes() {
    assertThatThrownBy(() -> Allocators.load("cgroups", AllocatorContext.of(Map.of()), loader))
        .isInstanceOf(AllocatorException.class)
        .hasMessage("unknown allocator 'cgroups'; known allocators: recording")
        .extracting(e -> ((AllocatorException) e).reason())
        .isEqualTo(AllocatorException.Reason.UNAVAILABLE_HERE);
  }

  @Test
  void saysSo_whenNoPluginIsOnTheClassPath() {
    ClassLoader empty = new ClassLoader(null) {};
    assertThatThrownBy(() -> Allocators.load("log", AllocatorContext.of(Map.of()), empty))
        .hasMessageContaining("known allocators: none");
  }

  public static final class BrokenProvider implements AllocatorProvider {
    public BrokenProvider() {
      throw new IllegalStateException("built for another host");
    }

    @Override
    public String name() {
      return "broken";
    }

    @Override
    public Allocator open(AllocatorContext context) {
      throw new AssertionError("never opened");
    }
  }

  public static final class RecordingProvider implements AllocatorProvider {
    @Override
    public String name() {
      return "recording";
    }

    @Override
    public Allocator open(AllocatorContext context) {
      return new RecordingAllocator(context);
    }
  }

  static final class RecordingAllocator implements Allocator {
    final AllocatorContext context;

    RecordingAllocator(AllocatorContext context) {
      this.context = context;
    }

    @Override
    public Set<ResourceKind> supports() {
      return Set.of(ResourceKind.CPU);
    }

    @Override
    public Allocation current(Target target) {
      return Allocation.empty();
    }

    @Override
    public ApplyResult apply(Target target, Allocation desired) {
      return new ApplyResult(ApplyResult.Status.RECOMMENDED_ONLY, desired, "recorded");
    }

    @Override
    public void close() {}
  }
}
