package dev.umbra.shadow.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.shadow.checkpoint.CheckpointManifest.Trust;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  @TempDir Path root;
  private static final Instant T0 = Instant.parse("2027-01-01T00:00:00Z");

  private CheckpointManifest write(CheckpointStore store, String id, int minute, String... stateValues) throws Exception {
    try (CheckpointStore.Pending p = store.begin(id, "p1", "wl", "app", T0.plusSeconds(60L * minute))) {
      for (int i = 0; i < stateValues.length; i++) {
        byte[] bytes = stateValues[i].getBytes(StandardCharsets.UTF_8);
        int half = bytes.length / 2;
        p.append("s" + i, 0, ByteBuffer.wrap(bytes, 0, half));
        p.append("s" + i, half, ByteBuffer.wrap(bytes, half, bytes.length - half));
        p.endState("s" + i, sha256(bytes));
      }
      return p.commit();
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private String read(CheckpointStore store, CheckpointManifest m, int i) throws IOException {
    try (InputStream in = store.openState(m, i)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void storesStatesWithTheirDigests_andReadsThemBack() throws Exception {
    CheckpointStore store = new CheckpointStore(root, 5);
    CheckpointManifest m = write(store, "ck-1", 0, "alpha state", "beta");

    assertThat(m.states()).extracting(CheckpointManifest.StateEntry::name).containsExactly("s0", "s1");
    assertThat(m.sizeBytes()).isEqualTo(15);
    assertThat(store.list("wl")).containsExactly(m);
    assertThat(store.verify(m)).isEqualTo(m);
    assertThat(read(store, m, 0)).isEqualTo("alpha state");
    assertThat(store.find("ck-1")).contains(m);
  }

  @Nested
  class DetectsCorruption {
    @Test
    void aTruncatedState_andFallsBackToThePreviousGoodCheckpoint() throws Exception {
      CheckpointStore store = new CheckpointStore(root, 5);
      CheckpointManifest older = store.markTrust(write(store, "ck-1", 0, "good old state"), Trust.KNOWN_GOOD);
      CheckpointManifest newer = store.markTrust(write(store, "ck-2", 1, "good new state"), Trust.KNOWN_GOOD);
      try (RandomAccessFile f = new RandomAccessFile(root.resolve("wl/ck-2/state-0.bin").toFile(), "rw")) {
        f.setLength(4);
      }

      assertThat(store.newestVerified("wl", Trust.KNOWN_GOOD)).contains(older);
      assertThat(store.find(newer.id()).orElseThrow().trust()).isEqualTo(Trust.CORRUPT);
    }

    @Test
    void aFlippedBit() throws Exception {
      CheckpointStore store = new CheckpointStore(root, 5);
      CheckpointManifest m = write(store, "ck-1", 0, "0123456789");
      Path file = root.resolve("wl/ck-1/state-0.bin");
      byte[] bytes = Files.readAllBytes(file);
      bytes[3] ^= 0x01;
      Files.write(file, bytes);

      assertThatThrownBy(() -> store.verify(m))
          .isInstanceOf(CorruptCheckpointException.class)
          .hasMessage("checkpoint ck-1 state 's0': SHA-256 does not match the manifest");
    }

    @Test
    void bytesThatDoNotMatchTheAgentsDigest() throws Exception {
      CheckpointStore store = new CheckpointStore(root, 5);
      try (CheckpointStore.Pending p = store.begin("ck-1", "p1", "wl", "app", T0)) {
        p.append("s", 0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> p.endState("s", sha256(new byte[] {1, 2, 4})))
            .isInstanceOf(CorruptCheckpointException.class);
      }
      assertThat(store.list("wl")).isEmpty();
    }
  }

  @Test
  void aCrashDuringAWrite_leavesNoHalfCheckpoint() throws Exception {
    CheckpointStore store = new CheckpointStore(root, 5);
    CheckpointStore.Pending p = store.begin("ck-1", "p1", "wl", "app", T0);
    p.append("s", 0, ByteBuffer.wrap(new byte[1000]));
    // the process dies here: no endState, no commit, no close

    assertThat(store.list("wl")).isEmpty();
    CheckpointStore restarted = new CheckpointStore(root, 5);
    assertThat(restarted.list("wl")).isEmpty();
    try (var entries = Files.list(root.resolve("wl"))) {
      assertThat(entries).isEmpty();
    }
  }

  @Test
  void refusesChunksOutOfOrder() throws Exception {
    CheckpointStore store = new CheckpointStore(root, 5);
    try (CheckpointStore.Pending p = store.begin("ck-1", "p1", "wl", "app", T0)) {
      p.append("s", 0, ByteBuffer.wrap(new byte[10]));
      assertThatThrownBy(() -> p.append("s", 20, ByteBuffer.wrap(new byte[10])))
          .hasMessage("state 's': chunk at offset 20, expected 10");
      assertThatThrownBy(() -> p.append("t", 0, ByteBuffer.wrap(new byte[1])))
          .hasMessage("state 's' ended without state_end before 't'");
    }
  }

  @Test
  void keepsTheNewestAndTheLastKnownGood() throws Exception {
    CheckpointStore store = new CheckpointStore(root, 2);
    store.markTrust(write(store, "ck-1", 1, "a"), Trust.KNOWN_GOOD);
    write(store, "ck-2", 2, "b");
    write(store, "ck-3", 3, "c");
    write(store, "ck-4", 4, "d");

    assertThat(store.list("wl")).extracting(CheckpointManifest::id).containsExactly("ck-4", "ck-3", "ck-1");
  }

  @Test
  void refusesUnsafeNames() {
    CheckpointStore store = new CheckpointStore(root, 2);
    assertThatThrownBy(() -> store.begin("../escape", "p", "wl", "app", T0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.list("../etc")).isInstanceOf(IllegalArgumentException.class);
  }
}
