package dev.umbra.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChannelsTest {
  // unshaded here; "dev.umbra.agent.shaded.io.netty.allocator.type" in the agent jar
  private static final String KEY = "io.netty.allocator.type";
  private String saved;

  @BeforeEach
  void save() {
    saved = System.getProperty(KEY);
    System.clearProperty(KEY);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(KEY);
    } else {
      System.setProperty(KEY, saved);
    }
  }

  @Test
  void unpooledByDefault_setsTheAllocatorTypeOfNettysOwnPackage() {
    Channels.unpooledByDefault();

    assertThat(System.getProperty(KEY)).isEqualTo("unpooled");
  }

  @Test
  void unpooledByDefault_keepsAValueAlreadySet() {
    System.setProperty(KEY, "pooled");

    Channels.unpooledByDefault();

    assertThat(System.getProperty(KEY)).isEqualTo("pooled");
  }
}
