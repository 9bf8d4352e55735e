package dev.umbra.shadow.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.ClassBytes;
import dev.umbra.proto.v1.ClassProfile;
import dev.umbra.proto.v1.Event;
import dev.umbra.proto.v1.GetHeapRequest;
import dev.umbra.proto.v1.GetHeapResponse;
import dev.umbra.proto.v1.OldObjectSample;
import dev.umbra.proto.v1.TelemetryBatch;
import io.grpc.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GetHeap over in-process gRPC: what an agent's histograms and old objects become, and the statuses. */
class GetHeapTest {
  private static final long MB = 1 << 20;
  @TempDir Path data;
  private ApiFixture api;
  private long t0;

  @BeforeEach
  void start() throws Exception {
    api = new ApiFixture(data);
    t0 = api.clock.millis();
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  static Event histogram(long timeMillis, long entryBytes, long entries) {
    return Event.newBuilder().setTimeUnixMs(timeMillis).setClassHistogram(ClassProfile.newBuilder()
        .addClasses(ClassBytes.newBuilder().setClassName("[B").setBytes(40 * MB).setCount(900))
        .addClasses(ClassBytes.newBuilder().setClassName("com.example.Cache$Entry").setBytes(entryBytes).setCount(entries))
        .setOtherBytes(5 * MB)).build();
  }

  private GetHeapResponse heapOf(String primaryId, GetHeapRequest.Builder request) throws InterruptedException {
    long deadline = System.nanoTime() + ApiFixture.WAIT.toNanos();
    GetHeapResponse r;
    do {
      r = api.control().getHeap(request.setPrimaryId(primaryId).build());
      if (r.getSnapshotsCount() > 0 || System.nanoTime() > deadline) {
        return r;
      }
      Thread.sleep(10);
    } while (true);
  }

  @Nested
  class APrimaryWithHistograms {
    @BeforeEach
    void send() throws Exception {
      ApiFixture.Agent agent = new ApiFixture.Agent(api.channel, "p1");
      api.awaitConnected("p1");
      agent.send(AgentMessage.newBuilder().setBatch(TelemetryBatch.newBuilder().setSequence(1)
          .addEvents(histogram(t0 - 120_000, 10 * MB, 100_000))
          .addEvents(histogram(t0 - 60_000, 58 * MB, 1_300_000))
          .addEvents(Event.newBuilder().setTimeUnixMs(t0 - 60_000).setOldObject(OldObjectSample.newBuilder()
              .setClassName("com.example.Cache$Entry").setAllocationUnixMs(t0 - 90_000).setHeapUsedBytes(300 * MB)
              .addAllocationFrames("com.example.Cache.put:42")))
          .addEvents(histogram(t0 + 3_600_000, 1, 1)) // an hour ahead of the shadow's clock: refused
          .addEvents(Event.newBuilder().setTimeUnixMs(t0 - 60_000).setOldObject(OldObjectSample.newBuilder()
              .setHeapUsedBytes(300 * MB)))) // no class: malformed, refused
          .build());
      // the batch's events are stored one by one: wait for the last of them
      long deadline = System.nanoTime() + ApiFixture.WAIT.toNanos();
      while (api.control().getHeap(GetHeapRequest.newBuilder().setPrimaryId("p1").build()).getOldObjectsCount() == 0
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }

    @Test
    void answersTheSnapshotsOldestFirst_theGrowth_andTheOldObjects() throws Exception {
      GetHeapResponse r = heapOf("p1", GetHeapRequest.newBuilder());
      assertThat(r.getPrimaryId()).isEqualTo("p1");
      assertThat(r.getSnapshotsList()).extracting(s -> s.getTimeUnixMs()).containsExactly(t0 - 120_000, t0 - 60_000);
      assertThat(r.getSnapshots(1).getClassesList()).extracting(ClassBytes::getClassName)
          .containsExactly("com.example.Cache$Entry", "[B");
      assertThat(r.getSnapshots(1).getOtherBytes()).isEqualTo(5 * MB);
      assertThat(r.getGrowth(0).getClassName()).isEqualTo("com.example.Cache$Entry");
      assertThat(r.getGrowth(0).getBytesGrowth()).isEqualTo(48 * MB);
      assertThat(r.getGrowth(0).getInstancesGrowth()).isEqualTo(1_200_000);
      assertThat(r.getOldObjects(0).getSeenUnixMs()).isEqualTo(t0 - 60_000);
      assertThat(r.getOldObjects(0).getSample().getAllocationFramesList()).containsExactly("com.example.Cache.put:42");
    }

    @Test
    void countsTheEventsItRefuses_byReason() throws Exception {
      long deadline = System.nanoTime() + ApiFixture.WAIT.toNanos();
      while (api.metrics.ingestRejectedEvents.labelValues("malformed").get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(api.metrics.ingestRejectedEvents.labelValues("time").get()).isEqualTo(1);
      assertThat(api.metrics.ingestRejectedEvents.labelValues("malformed").get()).isEqualTo(1);
    }

    @Test
    void limitsTheSnapshotsAndClasses() throws Exception {
      GetHeapResponse r = heapOf("p1", GetHeapRequest.newBuilder().setSnapshots(1).setClasses(1).setOldObjects(1));
      assertThat(r.getSnapshotsList()).singleElement().satisfies(s -> {
        assertThat(s.getClassesList()).extracting(ClassBytes::getClassName).containsExactly("com.example.Cache$Entry");
        assertThat(s.getOtherBytes()).isEqualTo(45 * MB);
      });
      assertThat(r.getGrowthList()).isEmpty(); // one snapshot: nothing to compare
    }
  }

  @Test
  void aPrimaryWithoutHistograms_hasNoSnapshots() throws Exception {
    try (ApiFixture.Agent agent = new ApiFixture.Agent(api.channel, "quiet")) {
      api.awaitConnected("quiet");
      GetHeapResponse r = api.control().getHeap(GetHeapRequest.newBuilder().setPrimaryId("quiet").build());
      assertThat(r.getSnapshotsList()).isEmpty();
      assertThat(r.getGrowthList()).isEmpty();
    }
  }

  @Test
  void anUnknownPrimary_isNotFound() {
    Status s = ApiFixture.statusOf(() -> api.control().getHeap(GetHeapRequest.newBuilder().setPrimaryId("nope").build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(s.getDescription()).isEqualTo("no primary nope");
  }

  @Test
  void aMissingPrimary_isInvalid() {
    Status s = ApiFixture.statusOf(() -> api.control().getHeap(GetHeapRequest.getDefaultInstance()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).isEqualTo("primary_id is missing");
  }

  @Test
  void aLimitAboveWhatIsKept_isInvalid_namingTheField() throws Exception {
    try (ApiFixture.Agent agent = new ApiFixture.Agent(api.channel, "p2")) {
      api.awaitConnected("p2");
      Status snapshots = ApiFixture.statusOf(() -> api.control().getHeap(
          GetHeapRequest.newBuilder().setPrimaryId("p2").setSnapshots(31).build()));
      assertThat(snapshots.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(snapshots.getDescription()).isEqualTo("snapshots is 31, at most 30 (0 for the default, 30)");
      Status classes = ApiFixture.statusOf(() -> api.control().getHeap(
          GetHeapRequest.newBuilder().setPrimaryId("p2").setClasses(-1).build())); // uint32 4294967295
      assertThat(classes.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(classes.getDescription()).startsWith("classes is 4294967295, at most 30");
      Status old = ApiFixture.statusOf(() -> api.control().getHeap(
          GetHeapRequest.newBuilder().setPrimaryId("p2").setOldObjects(21).build()));
      assertThat(old.getDescription()).startsWith("old_objects is 21, at most 20");
      assertThat(api.serving()).isTrue();
    }
  }
}
