package dev.umbra.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.IoEndpoint;
import dev.umbra.proto.v1.IoKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The I/O hooks count exact bytes and operations per path and peer, below any JFR threshold, at
 * {@code io.detail=full} (the default at high; below it the breakdown is sampled, the totals
 * stay exact: IoCountersTest).
 */
class AgentIoHooksIT {
  @TempDir Path work;
  private RecordingCollector collector;
  private JavaProcess primary;

  @AfterEach
  void tearDown() throws Exception {
    if (primary != null) {
      System.out.println("--- output of the primary ---\n" + primary.output());
      primary.close();
    }
    if (collector != null) {
      collector.close();
    }
  }

  private long sum(IoKind kind, Predicate<IoEndpoint> which, java.util.function.ToLongFunction<IoEndpoint> field) {
    return collector.ioEndpoints().stream().filter(e -> e.getKind() == kind).filter(which).mapToLong(field).sum();
  }

  @Test
  void countsExactBytesOperationsAndAccessPattern_forStreamsRandomAccessChannelsAndSockets() throws Exception {
    collector = new RecordingCollector(FreePort.pick()).start();
    Path data = work.resolve("data");
    Path go = work.resolve("go");
    primary = JavaProcess.start("io", JavaProcess.java17Home(),
        List.of("-javaagent:" + JavaProcess.agentJar() + "=shadow=127.0.0.1:" + collector.port() + ",io.detail=full",
            "-cp", JavaProcess.testClasses().toString(), "dev.umbra.it.primaries.FileAndSocketIo",
            data.toString(), go.toString()),
        Map.of(), work);
    Await.until("Hello", () -> !collector.hellos().isEmpty(), Duration.ofSeconds(60), primary::output);
    Files.createFile(go);
    primary.awaitOutput("io done", Duration.ofSeconds(30));
    Predicate<IoEndpoint> stream = e -> e.getEndpoint().endsWith("stream.bin");
    Predicate<IoEndpoint> random = e -> e.getEndpoint().endsWith("random.bin");
    Predicate<IoEndpoint> channel = e -> e.getEndpoint().endsWith("channel.bin");
    Await.until("every endpoint", () -> sum(IoKind.IO_KIND_SOCKET_READ, e -> true, IoEndpoint::getBytes) >= 11_000
            && sum(IoKind.IO_KIND_FILE_WRITE, channel, IoEndpoint::getBytes) >= 6_144
            // io.net.tx is a per-second series: it may arrive a gauge period after the endpoints
            && collector.max("io.net.tx") > 0,
        Duration.ofSeconds(20), () -> collector.ioEndpoints() + primary.output());

    assertThat(sum(IoKind.IO_KIND_FILE_WRITE, stream, IoEndpoint::getBytes)).isEqualTo(10_000);
    assertThat(sum(IoKind.IO_KIND_FILE_WRITE, stream, IoEndpoint::getOperations)).isEqualTo(3);
    assertThat(sum(IoKind.IO_KIND_FILE_READ, stream, IoEndpoint::getBytes)).isEqualTo(10_000);
    assertThat(sum(IoKind.IO_KIND_FILE_READ, stream, IoEndpoint::getOperations)).isEqualTo(5); // 4 reads + EOF
    assertThat(sum(IoKind.IO_KIND_FILE_READ, random, IoEndpoint::getBytes)).isEqualTo(4_000);
    assertThat(sum(IoKind.IO_KIND_FILE_READ, random, IoEndpoint::getRandomOperations)).isGreaterThanOrEqualTo(3);
    assertThat(sum(IoKind.IO_KIND_FILE_WRITE, channel, IoEndpoint::getBytes)).isEqualTo(6_144);
    assertThat(sum(IoKind.IO_KIND_FILE_WRITE, channel, IoEndpoint::getRandomOperations)).isEqualTo(1);
    assertThat(sum(IoKind.IO_KIND_SOCKET_WRITE, e -> true, IoEndpoint::getBytes)).isEqualTo(11_000);
    assertThat(sum(IoKind.IO_KIND_SOCKET_READ, e -> true, IoEndpoint::getBytes)).isEqualTo(11_000);
    assertThat(collector.ioEndpoints()).allSatisfy(e -> assertThat(e.getLatencyTotalMs()).isGreaterThanOrEqualTo(0));
    assertThat(collector.ioEndpoints()).noneMatch(e -> e.getEndpoint().endsWith(":" + collector.port()));
    assertThat(collector.max("io.net.tx")).isPositive();
    assertThat(collector.ioProfiles()).isNotEmpty().allSatisfy(p -> assertThat(p.getSampleEvery()).isEqualTo(1));
  }
}
