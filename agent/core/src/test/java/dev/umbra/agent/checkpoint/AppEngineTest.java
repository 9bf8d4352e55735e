package dev.umbra.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.api.Checkpointable;
import dev.umbra.api.Registration;
import dev.umbra.api.Umbra;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AppEngineTest {
  private final MemoryTransfer transfer = new MemoryTransfer();
  private final AppEngine engine = new AppEngine(() -> java.util.Optional.of(ManagementFactory.getPlatformMBeanServer()), () -> transfer);
  private final List<Registration> registrations = new ArrayList<>();

  @AfterEach
  void unregister() {
    registrations.forEach(Registration::close);
  }

  /** A counter with quiesce bookkeeping, the kind of state an application registers. */
  static final class Counter implements Checkpointable {
    final String name;
    long value;
    final List<String> calls = new ArrayList<>();
    boolean failSnapshot;

    Counter(String name, long value) {
      this.name = name;
      this.value = value;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void snapshot(OutputStream out) throws IOException {
      calls.add("snapshot");
      if (failSnapshot) {
        throw new IOException("disk full");
      }
      new DataOutputStream(out).writeLong(value);
    }

    @Override
    public void restore(InputStream in) throws IOException {
      calls.add("restore");
      value = new DataInputStream(in).readLong();
    }

    @Override
    public void beforeCheckpoint() {
      calls.add("before");
    }

    @Override
    public void afterCheckpoint() {
      calls.add("after");
    }
  }

  /** Keeps checkpoints in memory, as the shadow would on disk. */
  static final class MemoryTransfer implements StateTransfer {
    final Map<String, Map<String, byte[]>> stored = new LinkedHashMap<>();
    final List<String> aborted = new ArrayList<>();

    @Override
    public Upload upload(String checkpointId) {
      Map<String, byte[]> states = new LinkedHashMap<>();
      return new Upload() {
        boolean finished;

        @Override
        public OutputStream state(String name) {
          return new ByteArrayOutputStream() {
            @Override
            public void close() {
              states.put(name, toByteArray());
            }
          };
        }

        @Override
        public Summary finish() {
          finished = true;
          stored.put(checkpointId, states);
          return new Summary(states.values().stream().mapToLong(b -> b.length).sum(), "digest");
        }

        @Override
        public void close() {
          if (!finished) {
            aborted.add(checkpointId);
          }
        }
      };
    }

    @Override
    public void download(String checkpointId, StateSink sink) throws Exception {
      Map<String, byte[]> states = stored.get(checkpointId);
      if (states == null) {
        throw new IOException("no checkpoint " + checkpointId);
      }
      for (Map.Entry<String, byte[]> s : states.entrySet()) {
        sink.state(s.getKey(), new ByteArrayInputStream(s.getValue()));
      }
    }
  }

  private Counter register(String name, long value) {
    Counter c = new Counter(name, value);
    registrations.add(Umbra.register(c));
    return c;
  }

  @Test
  void restoresEveryState_toWhatTheCheckpointHeld() throws Exception {
    Counter a = register("engine-test-a", 1);
    Counter b = register("engine-test-b", 2);

    Map<String, String> taken = engine.checkpoint("ck-1");
    a.value = 100;
    b.value = 200;
    Map<String, String> restored = engine.restore("ck-1");

    assertThat(a.value).isEqualTo(1);
    assertThat(b.value).isEqualTo(2);
    assertThat(taken).containsEntry("checkpoint_bytes", "16").containsEntry("states", "engine-test-a,engine-test-b");
    assertThat(restored).containsEntry("restored_bytes", "16");
    assertThat(a.calls).containsExactly("before", "snapshot", "after", "before", "restore", "after");
  }

  @Test
  void listsAState_onceItIsRegistered() {
    assertThat(engine.stateNames()).doesNotContain("engine-test-late");
    register("engine-test-late", 0);
    assertThat(engine.available()).isTrue();
    assertThat(engine.stateNames()).contains("engine-test-late");
  }

  @Test
  void aFailingSnapshot_abortsTheUpload_andStillResumesEveryState() {
    Counter a = register("engine-test-ok", 1);
    Counter b = register("engine-test-broken", 2);
    b.failSnapshot = true;

    assertThatThrownBy(() -> engine.checkpoint("ck-2")).hasMessageContaining("disk full");

    assertThat(transfer.aborted).containsExactly("ck-2");
    assertThat(transfer.stored).doesNotContainKey("ck-2");
    assertThat(a.calls).endsWith("after");
    assertThat(b.calls).endsWith("after");
  }

  @Test
  void refusesACheckpointWithAStateTheApplicationDoesNotHave() throws Exception {
    Counter a = register("engine-test-known", 5);
    transfer.stored.put("ck-3", Map.of("engine-test-unknown", new byte[8]));

    assertThatThrownBy(() -> engine.restore("ck-3")).hasMessageContaining("engine-test-unknown");
    assertThat(a.calls).endsWith("after");
  }

  @Test
  void failsClearly_whenNotConnected() {
    register("engine-test-offline", 1);
    AppEngine offline = new AppEngine(() -> java.util.Optional.of(ManagementFactory.getPlatformMBeanServer()), () -> null);
    assertThatThrownBy(() -> offline.checkpoint("ck-4")).hasMessageContaining("not connected");
  }

  @Test
  void findsNoRegistry_andCreatesNoServer_untilOneExists() {
    java.util.concurrent.atomic.AtomicReference<javax.management.MBeanServer> created = new java.util.concurrent.atomic.AtomicReference<>();
    AppEngine lazy = new AppEngine(() -> java.util.Optional.ofNullable(created.get()), () -> transfer);
    List<String> changes = new ArrayList<>();
    lazy.onRegistriesChanged(() -> changes.add("changed"));

    assertThat(lazy.available()).isFalse();
    assertThat(lazy.stateNames()).isEmpty();
    assertThatThrownBy(() -> lazy.checkpoint("ck-5")).hasMessageContaining("registered no Checkpointable");

    register("engine-test-lazy", 3); // umbra-api creates the platform server as it publishes
    lazy.poll();
    assertThat(changes).isEmpty(); // the agent still has not seen a server
    created.set(ManagementFactory.getPlatformMBeanServer());
    lazy.poll();
    lazy.poll();

    assertThat(changes).containsExactly("changed"); // published before it listened: told once
    assertThat(lazy.stateNames()).contains("engine-test-lazy");
  }

  @Test
  void seesThePlatformServer_onlyOnceCreated() {
    ManagementFactory.getPlatformMBeanServer();

    assertThat(Registries.platformIfCreated()).containsSame(ManagementFactory.getPlatformMBeanServer());
  }
}
