package dev.umbra.agent.transport;

import com.google.protobuf.ByteString;
import dev.umbra.agent.checkpoint.StateTransfer;
import dev.umbra.proto.v1.CheckpointChunk;
import dev.umbra.proto.v1.DownloadCheckpointRequest;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import dev.umbra.proto.v1.UploadCheckpointResponse;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link StateTransfer} over {@code TelemetryService.UploadCheckpoint}/{@code DownloadCheckpoint}.
 * Uploads send {@link #CHUNK_BYTES} chunks only while gRPC flow control says the stream is ready,
 * so memory stays at about one chunk whatever the state's size; downloads pull chunk by chunk
 * and check each state's SHA-256 before its stream reports the end.
 */
final class GrpcStateTransfer implements StateTransfer {
  static final int CHUNK_BYTES = 512 * 1024;
  /** Bounds one whole transfer; 100 MB takes seconds. */
  static final Duration DEADLINE = Duration.ofMinutes(10);

  private final Channel channel;
  private final String primaryId;

  GrpcStateTransfer(Channel channel, String primaryId) {
    this.channel = channel;
    this.primaryId = primaryId;
  }

  @Override
  public Upload upload(String checkpointId) {
    return new GrpcUpload(checkpointId);
  }

  @Override
  public void download(String checkpointId, StateSink sink) throws Exception {
    Context.CancellableContext context = Context.current().withCancellation();
    try {
      context.call(() -> {
        Iterator<CheckpointChunk> chunks = TelemetryServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
            .downloadCheckpoint(DownloadCheckpointRequest.newBuilder()
                .setPrimaryId(primaryId).setCheckpointId(checkpointId).build());
        ChunkReader reader = new ChunkReader(chunks);
        while (reader.nextState()) {
          StateInput in = new StateInput(reader);
          sink.state(reader.name, in);
          in.drain(); // the application may stop reading early; the digest still covers all
        }
        return null;
      });
    } catch (StatusRuntimeException e) {
      throw new IOException("downloading checkpoint " + checkpointId + " failed: " + e.getStatus().getCode()
          + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription()), e);
    } finally {
      context.cancel(null);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Walks the chunks of a download, one state at a time. */
  private static final class ChunkReader {
    private final Iterator<CheckpointChunk> chunks;
    private CheckpointChunk pending;
    String name;
    boolean stateDone = true;
    long offset;
    MessageDigest digest;

    ChunkReader(Iterator<CheckpointChunk> chunks) {
      this.chunks = chunks;
    }

    boolean nextState() {
      if (!chunks.hasNext()) {
        return false;
      }
      pending = chunks.next();
      name = pending.getStateName();
      stateDone = false;
      offset = 0;
      digest = sha256();
      return true;
    }

    /** The next chunk of the current state, or null when it ended (digest checked). */
    CheckpointChunk next() throws IOException {
      if (stateDone) {
        return null;
      }
      CheckpointChunk c = pending != null ? pending : chunks.hasNext() ? chunks.next() : null;
      pending = null;
      if (c == null) {
        throw new IOException("state '" + name + "' ended after " + offset + " bytes without its last chunk");
      }
      if (!c.getStateName().equals(name) || c.getOffset() != offset) {
        throw new IOException("state '" + name + "': got a chunk of '" + c.getStateName() + "' at offset "
            + c.getOffset() + ", expected offset " + offset);
      }
      c.getData().asReadOnlyByteBufferList().forEach(digest::update);
      offset += c.getData().size();
      if (c.getStateEnd()) {
        stateDone = true;
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!c.getStateSha256().isEmpty() && !c.getStateSha256().equalsIgnoreCase(actual)) {
          throw new IOException("state '" + name + "': SHA-256 " + actual + " but the shadow sent " + c.getStateSha256());
        }
      }
      return c;
    }
  }

  /** One state's bytes; reports the end only after the digest matched. */
  private static final class StateInput extends InputStream {
    private final ChunkReader reader;
    private InputStream current = InputStream.nullInputStream();
    private boolean ended;

    StateInput(ChunkReader reader) {
      this.reader = reader;
    }

    private boolean fill() throws IOException {
      while (!ended) {
        if (current.available() > 0) {
          return true;
        }
        CheckpointChunk c = reader.next();
        if (c == null) {
          ended = true;
          return false;
        }
        current = c.getData().newInput();
      }
      return false;
    }

    @Override
    public int read() throws IOException {
      return fill() ? current.read() : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      return fill() ? current.read(b, off, len) : -1;
    }

    void drain() throws IOException {
      while (fill()) {
        current = InputStream.nullInputStream();
      }
    }

    @Override
    public void close() {
      // the download owns the stream
    }
  }

  /** One upload call; the snapshot thread writes, gRPC's callbacks signal readiness. */
  private final class GrpcUpload implements Upload {
    private final String checkpointId;
    private final CompletableFuture<UploadCheckpointResponse> response = new CompletableFuture<>();
    private final Object ready = new Object();
    private final ClientCallStreamObserver<CheckpointChunk> requests;
    private boolean finished;

    GrpcUpload(String checkpointId) {
      this.checkpointId = checkpointId;
      @SuppressWarnings("unchecked")
      ClientCallStreamObserver<CheckpointChunk>[] holder = new ClientCallStreamObserver[1];
      TelemetryServiceGrpc.newStub(channel).withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .uploadCheckpoint(new ClientResponseObserver<CheckpointChunk, UploadCheckpointResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<CheckpointChunk> stream) {
              holder[0] = stream;
              stream.setOnReadyHandler(GrpcUpload.this::signal);
            }

            @Override
            public void onNext(UploadCheckpointResponse value) {
              response.complete(value);
            }

            @Override
            public void onError(Throwable t) {
              response.completeExceptionally(t);
              signal();
            }

            @Override
            public void onCompleted() {
              response.completeExceptionally(new IOException("the shadow closed the upload without an answer"));
              signal();
            }
          });
      this.requests = holder[0];
    }

    private void signal() {
      synchronized (ready) {
        ready.notifyAll();
      }
    }

    /** Sends one chunk once flow control allows; fails fast when the call has ended. */
    void send(CheckpointChunk chunk) throws IOException {
      synchronized (ready) {
        while (!requests.isReady()) {
          if (response.isDone()) {
            throw failure();
          }
          try {
            ready.wait(100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while uploading checkpoint " + checkpointId);
          }
        }
      }
      requests.onNext(chunk);
    }

    private IOException failure() {
      try {
        response.getNow(null);
        return new IOException("the upload of " + checkpointId + " ended early");
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        String why = cause instanceof StatusRuntimeException s
            ? s.getStatus().getCode() + (s.getStatus().getDescription() == null ? "" : " " + s.getStatus().getDescription())
            : String.valueOf(cause);
        return new IOException("the shadow refused checkpoint " + checkpointId + ": " + why, cause);
      }
    }

    @Override
    public OutputStream state(String name) {
      return new StateOutput(this, checkpointId, name);
    }

    @Override
    public Summary finish() throws IOException {
      finished = true;
      requests.onCompleted();
      try {
        UploadCheckpointResponse r = response.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        return new Summary(r.getSizeBytes(), r.getSha256());
      } catch (ExecutionException e) {
        throw failure();
      } catch (TimeoutException e) {
        throw new IOException("the shadow did not confirm checkpoint " + checkpointId + " in time");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while uploading checkpoint " + checkpointId);
      }
    }

    @Override
    public void close() {
      if (!finished) {
        finished = true;
        requests.cancel("the checkpoint was aborted", null);
      }
    }
  }

  /** Buffers one chunk of a state, sends it when full; close sends the last one with the digest. */
  private final class StateOutput extends OutputStream {
    private final GrpcUpload upload;
    private final String checkpointId;
    private final String name;
    private final MessageDigest digest = sha256();
    private final byte[] buffer = new byte[CHUNK_BYTES];
    private int used;
    private long offset;
    private boolean closed;

    StateOutput(GrpcUpload upload, String checkpointId, String name) {
      this.upload = upload;
      this.checkpointId = checkpointId;
      this.name = name;
    }

    @Override
    public void write(int b) throws IOException {
      if (used == buffer.length) {
        send(false);
      }
      buffer[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (used == buffer.length) {
          send(false);
        }
        int n = Math.min(len, buffer.length - used);
        System.arraycopy(b, off, buffer, used, n);
        used += n;
        off += n;
        len -= n;
      }
    }

    private void send(boolean end) throws IOException {
      if (closed) {
        throw new IOException("state '" + name + "' is closed");
      }
      digest.update(buffer, 0, used);
      CheckpointChunk.Builder chunk = CheckpointChunk.newBuilder()
          .setPrimaryId(primaryId).setCheckpointId(checkpointId).setStateName(name)
          .setOffset(offset).setData(ByteString.copyFrom(buffer, 0, used)).setStateEnd(end);
      if (end) {
        chunk.setStateSha256(HexFormat.of().formatHex(digest.digest()));
      }
      offset += used;
      used = 0;
      upload.send(chunk.build());
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        send(true);
        closed = true;
      }
    }
  }
}
