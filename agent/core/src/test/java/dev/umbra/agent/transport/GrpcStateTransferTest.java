package dev.umbra.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.umbra.agent.checkpoint.StateTransfer;
import dev.umbra.proto.v1.CheckpointChunk;
import dev.umbra.proto.v1.DownloadCheckpointRequest;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import dev.umbra.proto.v1.UploadCheckpointResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chunked upload and download against an in-memory TelemetryService over in-process gRPC. */
class GrpcStateTransferTest {
  private final String name = InProcessServerBuilder.generateName();
  private final MemoryShadow shadow = new MemoryShadow();
  private Server server;
  private ManagedChannel channel;

  /** Stores uploads in memory, checking order and digests as the real shadow does. */
  static final class MemoryShadow extends TelemetryServiceGrpc.TelemetryServiceImplBase {
    final Map<String, Map<String, byte[]>> stored = new LinkedHashMap<>();
    final List<Integer> chunkSizes = new CopyOnWriteArrayList<>();
    volatile boolean flipABitOnDownload;
    volatile boolean cancelled;

    @Override
    public StreamObserver<CheckpointChunk> uploadCheckpoint(StreamObserver<UploadCheckpointResponse> response) {
      return new StreamObserver<>() {
        final Map<String, byte[]> states = new LinkedHashMap<>();
        final ByteArrayOutputStream current = new ByteArrayOutputStream();
        String id;

        @Override
        public void onNext(CheckpointChunk c) {
          id = c.getCheckpointId();
          chunkSizes.add(c.getData().size());
          if (c.getOffset() != current.size()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("offset").asRuntimeException());
            return;
          }
          current.writeBytes(c.getData().toByteArray());
          if (c.getStateEnd()) {
            byte[] bytes = current.toByteArray();
            if (!sha(bytes).equals(c.getStateSha256())) {
              response.onError(Status.DATA_LOSS.withDescription("digest of " + c.getStateName()).asRuntimeException());
              return;
            }
            states.put(c.getStateName(), bytes);
            current.reset();
          }
        }

        @Override
        public void onError(Throwable t) {
          cancelled = true;
        }

        @Override
        public void onCompleted() {
          stored.put(id, states);
          response.onNext(UploadCheckpointResponse.newBuilder().setCheckpointId(id)
              .setSizeBytes(states.values().stream().mapToLong(b -> b.length).sum()).build());
          response.onCompleted();
        }
      };
    }

    @Override
    public void downloadCheckpoint(DownloadCheckpointRequest request, StreamObserver<CheckpointChunk> response) {
      Map<String, byte[]> states = stored.get(request.getCheckpointId());
      if (states == null) {
        response.onError(Status.NOT_FOUND.withDescription("no checkpoint " + request.getCheckpointId()).asRuntimeException());
        return;
      }
      for (Map.Entry<String, byte[]> s : states.entrySet()) {
        byte[] bytes = s.getValue().clone();
        String digest = sha(bytes);
        if (flipABitOnDownload && bytes.length > 0) {
          bytes[bytes.length / 2] ^= 1;
        }
        int step = 100_000;
        for (int off = 0; off < bytes.length || off == 0; off += step) {
          int n = Math.min(step, bytes.length - off);
          boolean end = off + n >= bytes.length;
          response.onNext(CheckpointChunk.newBuilder().setCheckpointId(request.getCheckpointId())
              .setStateName(s.getKey()).setOffset(off).setData(ByteString.copyFrom(bytes, off, n))
              .setStateEnd(end).setStateSha256(end ? digest : "").build());
          if (end) {
            break;
          }
        }
      }
      response.onCompleted();
    }
  }

  static String sha(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeEach
  void start() throws Exception {
    server = InProcessServerBuilder.forName(name).addService(shadow).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void uploadsInBoundedChunks_andDownloadsTheSameBytes() throws Exception {
    GrpcStateTransfer transfer = new GrpcStateTransfer(channel, "p1");
    byte[] big = random(3 * GrpcStateTransfer.CHUNK_BYTES + 123, 1);
    byte[] empty = new byte[0];

    StateTransfer.Summary summary;
    try (StateTransfer.Upload upload = transfer.upload("ck-1")) {
      try (OutputStream out = upload.state("big")) {
        for (int i = 0; i < big.length; i += 1000) {
          out.write(big, i, Math.min(1000, big.length - i));
        }
      }
      upload.state("empty").close();
      summary = upload.finish();
    }

    assertThat(summary.sizeBytes()).isEqualTo(big.length);
    assertThat(shadow.chunkSizes).allMatch(n -> n <= GrpcStateTransfer.CHUNK_BYTES).hasSize(5);
    Map<String, byte[]> back = new LinkedHashMap<>();
    transfer.download("ck-1", (state, in) -> back.put(state, in.readAllBytes()));
    assertThat(back.keySet()).containsExactly("big", "empty");
    assertThat(back.get("big")).isEqualTo(big);
    assertThat(back.get("empty")).isEmpty();
  }

  @Test
  void aDownloadWhoseBytesDoNotMatchTheirDigest_fails() throws Exception {
    GrpcStateTransfer transfer = new GrpcStateTransfer(channel, "p1");
    try (StateTransfer.Upload upload = transfer.upload("ck-2")) {
      try (OutputStream out = upload.state("s")) {
        out.write(random(250_000, 2));
      }
      upload.finish();
    }
    shadow.flipABitOnDownload = true;

    assertThatThrownBy(() -> transfer.download("ck-2", (state, in) -> in.readAllBytes()))
        .hasMessageContaining("SHA-256");
  }

  @Test
  void anUnknownCheckpoint_failsWithTheShadowsStatus() {
    GrpcStateTransfer transfer = new GrpcStateTransfer(channel, "p1");
    assertThatThrownBy(() -> transfer.download("nope", (state, in) -> in.readAllBytes()))
        .hasMessageContaining("NOT_FOUND").hasMessageContaining("no checkpoint nope");
  }

  @Test
  void closingWithoutFinishing_cancelsTheUpload() throws Exception {
    GrpcStateTransfer transfer = new GrpcStateTransfer(channel, "p1");
    try (StateTransfer.Upload upload = transfer.upload("ck-3")) {
      try (OutputStream out = upload.state("s")) {
        out.write(random(10, 3));
      }
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!shadow.cancelled && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(shadow.cancelled).isTrue();
    assertThat(shadow.stored).doesNotContainKey("ck-3");
  }
}
