package dev.umbra.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UmbraTest {
  private final List<String> calls = new ArrayList<>();
  private final List<Registration> registrations = new ArrayList<>();

  @AfterEach
  void unregister() {
    registrations.forEach(Registration::close);
  }

  /** A counter as the application would write it. */
  private final class Counter implements Checkpointable {
    final String name;
    long value;
    boolean failBefore;

    Counter(String name, long value) {
      this.name = name;
      this.value = value;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void snapshot(OutputStream out) throws java.io.IOException {
      out.write(Long.toString(value).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void restore(InputStream in) throws java.io.IOException {
      value = Long.parseLong(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Override
    public void beforeCheckpoint() {
      calls.add("before " + name);
      if (failBefore) {
        throw new IllegalStateException("cannot quiesce " + name);
      }
    }

    @Override
    public void afterCheckpoint() {
      calls.add("after " + name);
    }
  }

  private Counter register(String name, long value) {
    Counter c = new Counter(name, value);
    registrations.add(Umbra.register(c));
    return c;
  }

  @Test
  void snapshotsAndRestoresThroughThePlatformMBean_withJdkTypesOnly() throws Exception {
    Counter a = register("a", 41);
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = server.queryNames(new ObjectName("dev.umbra:type=CheckpointRegistry,*"), null).iterator().next();
    assertThat((String[]) server.getAttribute(name, "Names")).contains("a");

    server.invoke(name, "beforeCheckpoint", new Object[0], new String[0]);
    ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
    server.invoke(name, "snapshot", new Object[] {"a", snapshot},
        new String[] {String.class.getName(), OutputStream.class.getName()});
    server.invoke(name, "afterCheckpoint", new Object[0], new String[0]);

    a.value = 99;
    server.invoke(name, "beforeCheckpoint", new Object[0], new String[0]);
    server.invoke(name, "restore", new Object[] {"a", new ByteArrayInputStream(snapshot.toByteArray())},
        new String[] {String.class.getName(), InputStream.class.getName()});
    server.invoke(name, "afterCheckpoint", new Object[0], new String[0]);
    assertThat(a.value).isEqualTo(41);
  }

  @Test
  void quiescesInOrder_andResumesInReverse() throws Exception {
    register("a", 1);
    register("b", 2);
    CheckpointRegistry registry = Umbra.registry();
    registry.beforeCheckpoint();
    registry.afterCheckpoint();
    assertThat(calls).containsExactly("before a", "before b", "after b", "after a");
  }

  @Test
  void resumesWhatItQuiesced_whenOneStateCannotQuiesce() {
    register("a", 1);
    register("b", 2).failBefore = true;
    register("c", 3);
    assertThatThrownBy(() -> Umbra.registry().beforeCheckpoint()).hasMessage("cannot quiesce b");
    assertThat(calls).containsExactly("before a", "before b", "after a");
  }

  @Test
  void refusesASnapshotOutsideBeforeAndAfter() {
    register("a", 1);
    assertThatThrownBy(() -> Umbra.registry().snapshot("a", new ByteArrayOutputStream()))
        .hasMessageContaining("not quiesced");
  }

  @Test
  void refusesTwoStatesWithOneName_untilTheFirstIsClosed() {
    register("dup", 1);
    assertThatThrownBy(() -> Umbra.register(new Counter("dup", 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a state named 'dup' is registered already");
    registrations.remove(0).close();
    registrations.add(Umbra.register(new Counter("dup", 2)));
  }
}
