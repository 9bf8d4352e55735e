package dev.umbra.shadow.grpc;

import com.google.protobuf.ByteString;
import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.CheckpointChunk;
import dev.umbra.proto.v1.DownloadCheckpointRequest;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import dev.umbra.proto.v1.UploadCheckpointResponse;
import dev.umbra.shadow.checkpoint.CheckpointCoordinator;
import dev.umbra.shadow.checkpoint.CheckpointException;
import dev.umbra.shadow.checkpoint.CheckpointManifest;
import dev.umbra.shadow.checkpoint.CorruptCheckpointException;
import dev.umbra.shadow.ingest.IngestService;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code umbra.v1.TelemetryService}: the agent stream (ingest) and the transfer of checkpoint
 * state in both directions.
 */
public final class TelemetryGrpcService extends TelemetryServiceGrpc.TelemetryServiceImplBase {
  private static final Logger logger = LoggerFactory.getLogger(TelemetryGrpcService.class);
  static final int CHUNK_BYTES = 1 << 20;

  private final IngestService ingest;
  private final CheckpointCoordinator checkpoints;

  public TelemetryGrpcService(IngestService ingest, CheckpointCoordinator checkpoints) {
    this.ingest = ingest;
    this.checkpoints = checkpoints;
  }

  @Override
  public StreamObserver<AgentMessage> connect(StreamObserver<ShadowCommand> responses) {
    return ingest.connect(responses);
  }

  @Override
  public StreamObserver<CheckpointChunk> uploadCheckpoint(StreamObserver<UploadCheckpointResponse> response) {
    return new StreamObserver<>() {
      private CheckpointCoordinator.Upload upload;
      private boolean failed;

      @Override
      public void onNext(CheckpointChunk chunk) {
        if (failed) {
          return;
        }
        try {
          if (upload == null) {
            Caller.requireAgentOf(chunk.getPrimaryId(), ingest::proves);
            upload = checkpoints.acceptUpload(chunk.getPrimaryId(), chunk.getCheckpointId());
          } else if (!chunk.getCheckpointId().equals(upload.pending().id())) {
            throw new IllegalArgumentException("an upload carries one checkpoint: got " + chunk.getCheckpointId()
                + " after " + upload.pending().id());
          }
          upload.pending().append(chunk.getStateName(), chunk.getOffset(), chunk.getData().asReadOnlyByteBuffer());
          if (chunk.getStateEnd()) {
            upload.pending().endState(chunk.getStateName(), chunk.getStateSha256());
          }
        } catch (ApiException e) {
          fail(e.status());
        } catch (CorruptCheckpointException e) {
          fail(Status.DATA_LOSS.withDescription(e.getMessage()));
        } catch (CheckpointException e) {
          fail(Status.FAILED_PRECONDITION.withDescription(e.getMessage()));
        } catch (IllegalArgumentException e) {
          fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        } catch (IOException e) {
          logger.error("checkpoint upload failed while writing: {}", e.toString());
          fail(Status.INTERNAL.withDescription("cannot write the checkpoint: " + e.getMessage()));
        }
      }

      private void fail(Status status) {
        failed = true;
        if (upload != null) {
          upload.close();
        }
        response.onError(status.asRuntimeException());
      }

      @Override
      public void onError(Throwable t) {
        if (upload != null) {
          upload.close(); // the agent gave up: no half checkpoint
        }
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        if (upload == null) {
          response.onError(Status.INVALID_ARGUMENT.withDescription("an upload needs at least one chunk").asRuntimeException());
          return;
        }
        try {
          CheckpointManifest m = upload.commit();
          response.onNext(UploadCheckpointResponse.newBuilder()
              .setCheckpointId(m.id()).setSizeBytes(m.sizeBytes()).setSha256(m.sha256()).build());
          response.onCompleted();
        } catch (IllegalArgumentException e) {
          upload.close();
          response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        } catch (IOException e) {
          upload.close();
          response.onError(Status.INTERNAL.withDescription("cannot store the checkpoint: " + e.getMessage()).asRuntimeException());
        }
      }
    };
  }

  @Override
  public void downloadCheckpoint(DownloadCheckpointRequest request, StreamObserver<CheckpointChunk> response) {
    Caller.requireOperatorOrAgentOf(request.getPrimaryId(), ingest::proves);
    CheckpointManifest manifest;
    try {
      manifest = checkpoints.openForDownload(request.getPrimaryId(), request.getCheckpointId());
    } catch (CorruptCheckpointException e) {
      throw new ApiException(Status.DATA_LOSS.withDescription(e.getMessage()));
    } catch (CheckpointException e) {
      throw new ApiException(Status.NOT_FOUND.withDescription(e.getMessage()));
    } catch (IOException e) {
      throw new ApiException(Status.INTERNAL.withDescription("cannot read the checkpoint: " + e.getMessage()));
    }
    new Download(manifest, request.getPrimaryId(), (ServerCallStreamObserver<CheckpointChunk>) response).start();
  }

  /** Streams a checkpoint's states in 1 MiB chunks, as fast as the agent reads them. */
  private final class Download {
    private final CheckpointManifest manifest;
    private final String primaryId;
    private final ServerCallStreamObserver<CheckpointChunk> out;
    private int state = -1;
    private InputStream in;
    private long offset;
    private boolean done;

    Download(CheckpointManifest manifest, String primaryId, ServerCallStreamObserver<CheckpointChunk> out) {
      this.manifest = manifest;
      this.primaryId = primaryId;
      this.out = out;
    }

    void start() {
      out.setOnCancelHandler(this::closeQuietly);
      out.setOnReadyHandler(this::pump);
      pump();
    }

    private synchronized void pump() {
      try {
        while (!done && out.isReady()) {
          if (in == null) {
            state++;
            if (state == manifest.states().size()) {
              done = true;
              out.onCompleted();
              return;
            }
            in = checkpoints.store().openState(manifest, state);
            offset = 0;
          }
          byte[] buffer = in.readNBytes(CHUNK_BYTES);
          var entry = manifest.states().get(state);
          boolean end = offset + buffer.length >= entry.sizeBytes();
          CheckpointChunk.Builder chunk = CheckpointChunk.newBuilder()
              .setPrimaryId(primaryId).setCheckpointId(manifest.id()).setStateName(entry.name())
              .setOffset(offset).setData(ByteString.copyFrom(buffer)).setStateEnd(end);
          if (end) {
            chunk.setStateSha256(entry.sha256());
            in.close();
            in = null;
          }
          offset += buffer.length;
          out.onNext(chunk.build());
        }
      } catch (IOException | RuntimeException e) {
        done = true;
        closeQuietly();
        logger.error("checkpoint {} download failed: {}", manifest.id(), e.toString());
        try {
          out.onError(Status.INTERNAL.withDescription("reading the checkpoint failed").asRuntimeException());
        } catch (RuntimeException alreadyClosed) {
          // cancelled
        }
      }
    }

    private synchronized void closeQuietly() {
      done = true;
      if (in != null) {
        try {
          in.close();
        } catch (IOException e) {
          // nothing to do
        }
        in = null;
      }
    }
  }
}
