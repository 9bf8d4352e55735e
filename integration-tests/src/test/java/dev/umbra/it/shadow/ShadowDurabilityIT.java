package dev.umbra.it.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.umbra.it.support.SimulatedPrimary;
import dev.umbra.proto.v1.Primary;
import dev.umbra.proto.v1.PrimaryState;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A shadow killed with SIGKILL in the middle of ingest keeps everything it acknowledged: once
 * restarted on the same data it serves every acknowledged second from history, lists the
 * primaries it knew, and takes the batches the agents resend without storing them twice or
 * counting them as lost. The tests run two at a time (integration-tests/pom.xml): each has its own
 * shadow and data folder.
 */
class ShadowDurabilityIT {
  private static final Duration ACK_WAIT = Duration.ofSeconds(30);

  @TempDir Path work;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final List<SimulatedPrimary> primaries = new ArrayList<>();
  private ShadowProcess shadow;

  @RegisterExtension
  final AfterTestExecutionCallback printOnFailure =
      context -> {
        if (context.getExecutionException().isPresent() && shadow != null) {
          primaries.forEach(p -> System.out.println("primary " + p));
          System.out.println(shadow.output());
        }
      };

  @AfterEach
  void stop() throws Exception {
    primaries.forEach(SimulatedPrimary::close);
    scheduler.shutdownNow();
    if (shadow != null) {
      shadow.close();
    }
  }

  /**
   * The primaries' 200 ms batches do not line up with the grid (one in five holds the end of one
   * second and the start of the next), as a real agent's do; the kill lands while batches are in
   * flight.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void keepsEveryAcknowledgedSecond_whenKilledMidIngestAndRestartedOnTheSameData() throws Exception {
    Outage outage = killAndRestartMidIngest();

    // the restarted shadow knows both primaries from history, as gone until they reconnect
    assertThat(shadow.primaries(true))
        .extracting(Primary::getPrimaryId, Primary::getState)
        .contains(
            tuple("durability-a", PrimaryState.PRIMARY_STATE_GONE),
            tuple("durability-b", PrimaryState.PRIMARY_STATE_GONE));
    assertThat(shadow.primaries(false)).isEmpty();
    // every second acknowledged before the kill is in history, with its exact value
    for (SimulatedPrimary p : List.of(outage.a, outage.b)) {
      SimulatedPrimary.Verification fromHistory = p.verify(shadow.control());
      assertThat(fromHistory.problems()).as("history of %s after the restart", p.primaryId()).isEmpty();
      assertThat(fromHistory.acknowledgedSeconds()).isGreaterThanOrEqualTo(3);
      assertThat(fromHistory.rejectedPoints()).as(fromHistory.firstRejection()).isZero();
    }

    // a resends what was never acknowledged; b also resends ten batches the shadow had stored
    reconnectAndDrain(outage);

    for (SimulatedPrimary p : List.of(outage.a, outage.b)) {
      Primary listed = shadow.primary(p.primaryId());
      assertThat(listed.getState()).isEqualTo(PrimaryState.PRIMARY_STATE_CONNECTED);
      assertThat(listed.getBatchesLost()).as("resent batches of %s are not loss", p.primaryId()).isZero();
      assertThat(listed.getLoss()).isZero();
      // resent batches did not change what was stored before the kill
      assertThat(p.verify(shadow.control(), outage.acknowledgedBeforeKill(p)).problems())
          .as("seconds of %s stored before the kill, after the resend", p.primaryId())
          .isEmpty();
    }
  }

  /**
   * What the agents buffered while the shadow was down, and what was in flight at the kill, is
   * stored once they resend it: every second from the first to the last is there.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void storesWhatAgentsResend_afterTheRestart() throws Exception {
    Outage outage = killAndRestartMidIngest();
    reconnectAndDrain(outage);
    for (SimulatedPrimary p : List.of(outage.a, outage.b)) {
      SimulatedPrimary.Verification after = p.verify(shadow.control());
      assertThat(after.problems()).as("what %s finds after the resend", p.primaryId()).isEmpty();
      assertThat(after.rejectedPoints()).as(after.firstRejection()).isZero();
      TreeSet<Long> seconds = p.acknowledgedSeconds();
      assertThat(seconds.last() - seconds.first() + 1).as("no gap across the outage").isEqualTo(seconds.size());
    }
  }

  /**
   * The same without a restart: an agent whose stream broke (a network blip) buffers for a few
   * seconds, reconnects to the live shadow and resends; those seconds must be stored.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void storesWhatAnAgentResends_afterItsStreamBrokeForAFewSeconds() throws Exception {
    shadow = ShadowProcess.start(work, "-Xmx512m");
    SimulatedPrimary p = start("blip");
    assertThat(p.awaitAcknowledged(10, ACK_WAIT)).as("acks for %s", p).isTrue();
    p.abandonStream();
    Thread.sleep(3_000);
    p.connect();
    assertThat(p.awaitAcknowledged(p.producedBatches() + 10, ACK_WAIT)).isTrue();
    p.stopProducing();
    assertThat(p.awaitAllAcknowledged(ACK_WAIT)).isTrue();
    SimulatedPrimary.Verification stored = p.verify(shadow.control());
    assertThat(stored.problems()).isEmpty();
    assertThat(stored.rejectedPoints()).as(stored.firstRejection()).isZero();
  }

  /** Two primaries stream; the shadow is killed with batches in flight and started again. */
  private Outage killAndRestartMidIngest() throws Exception {
    shadow = ShadowProcess.start(work, "-Xmx512m");
    SimulatedPrimary a = start("durability-a");
    SimulatedPrimary b = start("durability-b");
    assertThat(a.awaitAcknowledged(20, ACK_WAIT)).as("acks for %s", a).isTrue();
    assertThat(b.awaitAcknowledged(20, ACK_WAIT)).as("acks for %s", b).isTrue();
    Thread.sleep(700); // lands the kill between two ticks, with batches unacknowledged
    shadow.kill();
    assertThat(a.awaitStreamEnd(Duration.ofSeconds(10))).extracting(Status::getCode).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(b.awaitStreamEnd(Duration.ofSeconds(10))).extracting(Status::getCode).isEqualTo(Status.Code.UNAVAILABLE);
    Outage outage = new Outage(a, b, a.acknowledgedSeconds(), b.acknowledgedSeconds());
    assertThat(a.producedBatches()).as("batches produced but not acknowledged at the kill").isGreaterThan(a.highestAcknowledged());
    shadow.restart(); // the primaries keep producing into their buffers meanwhile
    return outage;
  }

  private void reconnectAndDrain(Outage outage) throws InterruptedException {
    SimulatedPrimary a = outage.a;
    SimulatedPrimary b = outage.b;
    a.connect();
    b.connect(Math.max(1, b.highestAcknowledged() - 10));
    long target = Math.max(a.producedBatches(), b.producedBatches()) + 10;
    assertThat(a.awaitAcknowledged(target, ACK_WAIT)).as("acks after reconnect for %s", a).isTrue();
    assertThat(b.awaitAcknowledged(target, ACK_WAIT)).as("acks after reconnect for %s", b).isTrue();
    a.stopProducing();
    b.stopProducing();
    assertThat(a.awaitAllAcknowledged(ACK_WAIT)).as("all acknowledged: %s", a).isTrue();
    assertThat(b.awaitAllAcknowledged(ACK_WAIT)).as("all acknowledged: %s", b).isTrue();
    assertThat(a.droppedBatches() + b.droppedBatches()).isZero();
  }

  private record Outage(SimulatedPrimary a, SimulatedPrimary b, TreeSet<Long> secondsA, TreeSet<Long> secondsB) {
    TreeSet<Long> acknowledgedBeforeKill(SimulatedPrimary p) {
      return p == a ? secondsA : secondsB;
    }
  }

  private SimulatedPrimary start(String id) {
    SimulatedPrimary p = SimulatedPrimary.start(SimulatedPrimary.Options.high(id), shadow.channel(), scheduler);
    primaries.add(p);
    return p;
  }
}
