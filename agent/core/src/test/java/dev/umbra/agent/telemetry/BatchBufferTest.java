package dev.umbra.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchBufferTest {
  private static Batch batch(long sequence, int points) {
    List<Point> p = new java.util.ArrayList<>();
    for (int i = 0; i < points; i++) {
      p.add(Point.canonical("cpu.process", sequence * 1000 + i, i));
    }
    return new Batch(sequence, sequence, p, List.of());
  }

  @Test
  void dropsOldestBatch_whenBufferIsFull_andCountsItWithTheNextTake() {
    BatchBuffer buffer = new BatchBuffer(3);
    for (long s = 1; s <= 5; s++) {
      buffer.add(batch(s, 2));
    }

    BatchBuffer.Taken first = buffer.take().orElseThrow();

    assertThat(first.batch().sequence()).isEqualTo(3);
    assertThat(first.droppedBatches()).isEqualTo(2);
    assertThat(first.droppedPoints()).isEqualTo(4);
    assertThat(buffer.droppedBatchesTotal()).isEqualTo(2);
    BatchBuffer.Taken second = buffer.take().orElseThrow();
    assertThat(second.batch().sequence()).isEqualTo(4);
    assertThat(second.droppedBatches()).isZero();
  }

  @Test
  void clearDropsPendingAndInFlightBatches_andCountsThemWithTheNextTake() {
    BatchBuffer buffer = new BatchBuffer(10);
    buffer.add(batch(1, 2));
    buffer.add(batch(2, 3));
    buffer.take(); // 1 in flight, 2 pending

    assertThat(buffer.clear()).isEqualTo(2);

    assertThat(buffer.size()).isZero();
    assertThat(buffer.take()).isEmpty();
    buffer.add(batch(1, 1));
    BatchBuffer.Taken next = buffer.take().orElseThrow();
    assertThat(next.droppedBatches()).isEqualTo(2);
    assertThat(next.droppedPoints()).isEqualTo(5);
    assertThat(buffer.droppedBatchesTotal()).isEqualTo(2);
  }

  @Test
  void forgetsInFlightBatches_beforeDroppingPendingOnes() {
    BatchBuffer buffer = new BatchBuffer(2);
    buffer.add(batch(1, 1));
    buffer.add(batch(2, 1));
    buffer.take();
    buffer.take();

    buffer.add(batch(3, 1));
    buffer.add(batch(4, 1));

    assertThat(buffer.droppedBatchesTotal()).isZero();
    assertThat(buffer.take().orElseThrow().batch().sequence()).isEqualTo(3);
  }

  @Test
  void acknowledgedBatches_areNotResentAfterReconnect() {
    BatchBuffer buffer = new BatchBuffer(10);
    for (long s = 1; s <= 4; s++) {
      buffer.add(batch(s, 1));
    }
    buffer.take();
    buffer.take();
    buffer.take();

    buffer.acknowledge(2);
    buffer.requeueInFlight();

    assertThat(buffer.firstPendingSequence()).hasValue(3);
    assertThat(buffer.take().orElseThrow().batch().sequence()).isEqualTo(3);
    assertThat(buffer.take().orElseThrow().batch().sequence()).isEqualTo(4);
    assertThat(buffer.take()).isEmpty();
  }

  @Test
  void neverBlocksTheProducer_evenWithoutAConsumer() {
    BatchBuffer buffer = new BatchBuffer(5);
    for (long s = 1; s <= 10_000; s++) {
      buffer.add(batch(s, 1));
    }

    assertThat(buffer.size()).isEqualTo(5);
    assertThat(buffer.droppedBatchesTotal()).isEqualTo(9_995);
  }
}
