package dev.umbra.shadow.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.cgroup.Cgroup;
import dev.umbra.allocator.cgroup.CgroupManager;
import dev.umbra.shadow.config.ShadowConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfIsolationTest {
  private static final ShadowConfig.Limits LIMITS =
      new ShadowConfig.Limits(Optional.of(0.5), Optional.of(256L << 20), Optional.empty());

  @Test
  void doesNothing_whenNoLimitIsSet() {
    AtomicBoolean detected = new AtomicBoolean();

    SelfIsolation isolation = SelfIsolation.apply(ShadowConfig.Limits.none(), () -> {
      detected.set(true);
      throw new AssertionError("must not look at cgroups");
    }, 1);

    assertThat(isolation.cgroup()).isEmpty();
    assertThat(detected).isFalse();
    isolation.close();
  }

  @Test
  void runsOnWithoutACgroup_whenNoHierarchyIsMounted(@TempDir Path proc) throws Exception {
    Files.createDirectories(proc.resolve("self"));
    Files.writeString(proc.resolve("self/mountinfo"), "22 1 0:21 / /proc rw,nosuid - proc proc rw\n");

    SelfIsolation isolation = SelfIsolation.apply(LIMITS, () -> CgroupManager.detect(proc, 0.01, 16L << 20), 1);

    assertThat(isolation.cgroup()).isEmpty();
    isolation.close();
  }

  @Test
  void runsOnWithoutACgroup_whenCgroupsCannotBeWritten(@TempDir Path tmp) throws Exception {
    // a v1 layout whose cgroupfs is a plain folder: creating works, but there are no kernel files
    // to write limits to, as on a read-only or half-delegated mount
    Path proc = tmp.resolve("proc");
    Path cg = tmp.resolve("cg");
    Files.createDirectories(proc.resolve("self"));
    Files.writeString(proc.resolve("self/mountinfo"), String.join("\n",
        "32 31 0:29 / " + cg.resolve("cpu") + " rw - cgroup cgroup rw,cpu,cpuacct",
        "35 31 0:32 / " + cg.resolve("memory") + " rw - cgroup cgroup rw,memory", ""));
    Files.writeString(proc.resolve("self/cgroup"), "4:memory:/\n2:cpu,cpuacct:/\n");
    Files.createDirectories(cg.resolve("cpu"));
    Files.createDirectories(cg.resolve("memory"));

    SelfIsolation isolation = SelfIsolation.apply(LIMITS, () -> CgroupManager.detect(proc, 0.01, 16L << 20), 42);

    assertThat(isolation.cgroup()).isEmpty();
    assertThat(cg.resolve("cpu/umbra-shadow-42")).doesNotExist(); // what was made is undone
    assertThat(cg.resolve("memory/umbra-shadow-42")).doesNotExist();
  }

  /** On this host's real cgroups, with a child process standing in for the shadow. */
  @Nested
  class RealCgroups {
    private Process child;
    private CgroupManager manager;

    private void requireWritableCgroups() throws Exception {
      try {
        manager = CgroupManager.detect();
        Cgroup probe = manager.create("isolation-probe-" + ProcessHandle.current().pid());
        manager.remove(probe);
      } catch (AllocatorException e) {
        Assumptions.abort("real cgroups are not writable here: " + e.getMessage());
      }
    }

    @AfterEach
    void stopChild() throws Exception {
      if (child != null) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }

    private Process sleeper() throws Exception {
      return new ProcessBuilder("sleep", "120").start();
    }

    @Test
    void movesTheProcessIntoItsOwnLimitedCgroup_andRemovesItOnClose() throws Exception {
      requireWritableCgroups();
      child = sleeper();
      Cgroup before = manager.ofPid(child.pid());

      SelfIsolation isolation = SelfIsolation.apply(LIMITS, CgroupManager::detect, child.pid());

      Cgroup own = isolation.cgroup().orElseThrow(() -> new AssertionError("not isolated"));
      assertThat(own.cpuPath()).endsWith("/umbra-shadow-" + child.pid());
      assertThat(own.memoryPath()).endsWith("/umbra-shadow-" + child.pid());
      assertThat(Files.readString(Path.of("/proc/" + child.pid() + "/cgroup"))).contains("umbra-shadow-" + child.pid());
      assertThat(manager.limits(own).memoryBytes()).hasValue(256L << 20);
      assertThat(manager.limits(own).cpuCores()).hasValue(0.5);

      isolation.close();

      assertThat(own.exists()).isFalse();
      assertThat(manager.ofPid(child.pid())).isEqualTo(before);
      isolation.close(); // idempotent
    }

    @Test
    void removesCgroupsLeftByShadowsThatAreGone() throws Exception {
      requireWritableCgroups();
      Process gone = new ProcessBuilder("true").start();
      gone.waitFor(10, TimeUnit.SECONDS);
      Cgroup own = manager.own();
      Path leftover = own.memoryDirectory().resolve("umbra-shadow-" + gone.pid());
      Files.createDirectory(leftover);
      child = sleeper();

      SelfIsolation isolation = SelfIsolation.apply(LIMITS, CgroupManager::detect, child.pid());
      try {
        assertThat(leftover).doesNotExist();
        assertThat(isolation.cgroup()).isPresent();
      } finally {
        isolation.close();
        Files.deleteIfExists(leftover);
      }
    }
  }

}
