package dev.umbra.shadow.grpc;

import dev.umbra.proto.v1.ClassBytes;
import dev.umbra.proto.v1.GetHeapRequest;
import dev.umbra.proto.v1.GetHeapResponse;
import dev.umbra.proto.v1.OldObjectSample;
import dev.umbra.shadow.heap.ClassCount;
import dev.umbra.shadow.heap.ClassGrowth;
import dev.umbra.shadow.heap.HeapGrowth;
import dev.umbra.shadow.heap.HeapSnapshot;
import dev.umbra.shadow.heap.HeapStore;
import dev.umbra.shadow.heap.OldObject;
import dev.umbra.shadow.heap.PrimaryHeap;
import io.grpc.Status;
import java.time.Instant;
import java.util.List;

/** {@code GetHeap}: its limits, and the heap domain records turned into {@code umbra.v1} messages. */
final class HeapMapping {
  static final int DEFAULT_CLASSES = 20;
  static final int DEFAULT_OLD_OBJECTS = 10;

  private HeapMapping() {}

  /** What a GetHeap call asked for, within the store's bounds. */
  record Limits(int snapshots, int classes, int oldObjects) {}

  /**
   * @throws ApiException INVALID_ARGUMENT naming the field for a limit above what the store keeps
   */
  static Limits limits(GetHeapRequest request) {
    return new Limits(
        limit("snapshots", request.getSnapshots(), HeapStore.SNAPSHOTS_KEPT, HeapStore.SNAPSHOTS_KEPT),
        limit("classes", request.getClasses(), DEFAULT_CLASSES, HeapStore.CLASSES_KEPT),
        limit("old_objects", request.getOldObjects(), DEFAULT_OLD_OBJECTS, HeapStore.OLD_OBJECTS_KEPT));
  }

  private static int limit(String field, int wireUint32, int fallback, int max) {
    long requested = Integer.toUnsignedLong(wireUint32);
    if (requested > max) {
      throw new ApiException(Status.INVALID_ARGUMENT.withDescription(
          field + " is " + requested + ", at most " + max + " (0 for the default, " + fallback + ")"));
    }
    return requested == 0 ? fallback : (int) requested;
  }

  static GetHeapResponse toProto(String primaryId, PrimaryHeap heap, Limits limits) {
    GetHeapResponse.Builder out = GetHeapResponse.newBuilder().setPrimaryId(primaryId);
    List<HeapSnapshot> all = heap.snapshots();
    List<HeapSnapshot> shown = all.subList(Math.max(0, all.size() - limits.snapshots()), all.size());
    for (HeapSnapshot s : shown) {
      dev.umbra.proto.v1.HeapSnapshot.Builder snapshot = dev.umbra.proto.v1.HeapSnapshot.newBuilder()
          .setTimeUnixMs(s.at().toEpochMilli());
      HeapSnapshot top = s.top(limits.classes());
      for (ClassCount c : top.classes()) {
        snapshot.addClasses(ClassBytes.newBuilder().setClassName(c.className()).setBytes(c.bytes()).setCount(c.instances()));
      }
      out.addSnapshots(snapshot.setOtherBytes(top.otherBytes()));
    }
    if (shown.size() >= 2) {
      // the newest one's shown classes, against the whole older one: a class below the older
      // one's shown top N is still matched
      HeapGrowth.between(shown.get(0), shown.get(shown.size() - 1).top(limits.classes()))
          .forEach(g -> out.addGrowth(toProto(g)));
    }
    heap.oldObjects().stream().limit(limits.oldObjects()).forEach(o -> out.addOldObjects(toProto(o)));
    return out.build();
  }

  private static dev.umbra.proto.v1.ClassGrowth toProto(ClassGrowth g) {
    return dev.umbra.proto.v1.ClassGrowth.newBuilder().setClassName(g.className()).setBytes(g.bytes())
        .setInstances(g.instances()).setBytesGrowth(g.bytesGrowth()).setInstancesGrowth(g.instancesGrowth()).build();
  }

  private static dev.umbra.proto.v1.OldObject toProto(OldObject o) {
    return dev.umbra.proto.v1.OldObject.newBuilder().setSeenUnixMs(o.seen().toEpochMilli())
        .setSample(OldObjectSample.newBuilder().setClassName(o.className())
            .setAllocationUnixMs(o.allocated().map(Instant::toEpochMilli).orElse(0L))
            .setHeapUsedBytes(o.heapUsedBytes()).addAllAllocationFrames(o.frames()))
        .build();
  }
}
