package dev.umbra.shadow.dashboard;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * One open event stream: a bounded queue of frames and, while it has frames, one drain task on
 * the shared writer threads. A client whose queue overflows is closed (its browser reconnects and
 * reloads); a failed write means the browser left, and closes it too. Thread-safe.
 */
final class EventClient {
  private final HttpExchange exchange;
  private final OutputStream out;
  private final Optional<String> primaryId;
  private final Set<String> series;
  private final int queueLimit;
  private final Executor writers;
  private final Consumer<EventClient> onClose;
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private boolean draining;
  private boolean closed;
  private String closeReason = "";

  EventClient(HttpExchange exchange, Optional<String> primaryId, Set<String> series, int queueLimit,
      Executor writers, Consumer<EventClient> onClose) {
    this.exchange = exchange;
    this.out = exchange.getResponseBody();
    this.primaryId = primaryId;
    this.series = Set.copyOf(series);
    this.queueLimit = queueLimit;
    this.writers = writers;
    this.onClose = onClose;
  }

  /** The primary this client follows; empty: only the primaries list. */
  Optional<String> primaryId() {
    return primaryId;
  }

  boolean follows(String primary) {
    return primaryId.isPresent() && primaryId.get().equals(primary);
  }

  /** The series whose forecasts this client wants. */
  Set<String> series() {
    return series;
  }

  /** Queues an SSE event {@code name} with {@code json} as its data. */
  void send(String name, String json) {
    offer("event: " + name + "\ndata: " + json + "\n\n");
  }

  /** Queues an SSE comment: keeps proxies from timing out and finds browsers that left. */
  void ping() {
    offer(": ping\n\n");
  }

  void offer(String frame) {
    boolean overflow;
    synchronized (this) {
      if (closed) {
        return;
      }
      overflow = queue.size() >= queueLimit;
      if (!overflow) {
        queue.add(frame.getBytes(StandardCharsets.UTF_8));
        if (!draining) {
          draining = true;
          try {
            writers.execute(this::drain);
          } catch (RejectedExecutionException e) {
            draining = false; // the shadow is shutting down: the hub closes this client
          }
        }
      }
    }
    if (overflow) {
      close("fell " + queueLimit + " events behind");
    }
  }

  private void drain() {
    while (true) {
      List<byte[]> frames;
      synchronized (this) {
        if (closed || queue.isEmpty()) {
          draining = false;
          return;
        }
        frames = new ArrayList<>(queue);
        queue.clear();
      }
      try {
        for (byte[] frame : frames) {
          out.write(frame);
        }
        out.flush();
      } catch (IOException e) {
        close("gone: " + e.getMessage());
        return;
      }
    }
  }

  synchronized boolean isClosed() {
    return closed;
  }

  synchronized String closeReason() {
    return closeReason;
  }

  /**
   * Ends the stream (idempotent). The exchange itself is closed on a writer thread: closing writes
   * the last chunk, which may wait on a slow client, and callers include the ingest tick thread.
   */
  void close(String reason) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      closeReason = reason;
      queue.clear();
    }
    onClose.accept(this);
    Runnable closeExchange = () -> {
      try {
        exchange.close();
      } catch (RuntimeException e) {
        // the connection is already broken; nothing left to release
      }
    };
    try {
      writers.execute(closeExchange);
    } catch (RejectedExecutionException e) {
      closeExchange.run(); // the writers have stopped: the shadow is shutting down
    }
  }
}
