package dev.umbra.allocator.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountInfoTest {

  @Test
  void findsCgroupMounts_withAnyNumberOfOptionalFields_andEscapedPaths() {
    String content = String.join("\n",
        "25 30 0:23 / /sys rw,nosuid shared:7 - sysfs sysfs rw",
        "32 31 0:29 /docker/abc /sys/fs/cgroup/cpu\\040x rw,relatime shared:9 master:3 propagate_from:2 - cgroup cgroup rw,cpu,cpuacct",
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate",
        "garbage line",
        "");

    List<MountInfo.Mount> mounts = MountInfo.cgroupMounts(content);

    assertThat(mounts).hasSize(2);
    assertThat(mounts.get(0).root()).isEqualTo("/docker/abc");
    assertThat(mounts.get(0).mountPoint()).isEqualTo(Path.of("/sys/fs/cgroup/cpu x"));
    assertThat(mounts.get(0).superOptions()).contains("cpu", "cpuacct");
    assertThat(mounts.get(1).fsType()).isEqualTo("cgroup2");
  }

  @Test
  void leavesABackslashThatIsNotAnEscapeAlone() {
    assertThat(MountInfo.unescape("a\\b\\0")).isEqualTo("a\\b\\0");
    assertThat(MountInfo.unescape("tab\\011end")).isEqualTo("tab\tend");
  }
}
