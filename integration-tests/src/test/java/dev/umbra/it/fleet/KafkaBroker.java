package dev.umbra.it.fleet;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Kafka (KRaft: broker and controller in one process) from the Maven Central
 * artifact {@code kafka_2.13}, run as its own JVM on loopback ports with the test's class path.
 * It can be killed and started again on the same ports and log folder (a Kafka outage).
 */
final class KafkaBroker implements AutoCloseable {
  private final Path dir;
  private final int port = FreePort.pick();
  private final int controllerPort = FreePort.pick();
  private final List<JavaProcess> runs = new ArrayList<>();

  private KafkaBroker(Path dir) {
    this.dir = dir;
  }

  /** Formats the log folder, starts the broker and waits until it answers. */
  static KafkaBroker start(Path dir) throws IOException, InterruptedException {
    KafkaBroker broker = new KafkaBroker(dir);
    broker.configure();
    JavaProcess format = JavaProcess.start("kafka-format", JavaProcess.java17Home(),
        List.of("@" + broker.dir.resolve("classpath.args"), "kafka.tools.StorageTool", "format", "--standalone",
            "-t", Uuid.randomUuid().toString(), "-c", broker.dir.resolve("server.properties").toString()),
        Map.of(), dir);
    int code = format.awaitExit(Duration.ofSeconds(120));
    if (code != 0) {
      throw new AssertionError("formatting the kafka log folder failed (" + code + "):\n" + format.output());
    }
    broker.run();
    return broker;
  }

  private void configure() throws IOException {
    Files.createDirectories(dir);
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Files.writeString(dir.resolve("classpath.args"), "-cp \"" + classpath.replace("\\", "\\\\") + "\"\n");
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    p.put("log.dirs", dir.resolve("logs").toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "3");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.backoff.ms", "1000");
    try (var out = Files.newOutputStream(dir.resolve("server.properties"))) {
      p.store(out, "single-node KRaft broker for the fleet tests");
    }
  }

  private void run() throws IOException, InterruptedException {
    JavaProcess process = JavaProcess.start("kafka-" + (runs.size() + 1), JavaProcess.java17Home(),
        List.of("-Xmx512m", "-XX:+UseSerialGC", "@" + dir.resolve("classpath.args"), "kafka.Kafka",
            dir.resolve("server.properties").toString()),
        Map.of(), dir);
    runs.add(process);
    process.awaitCondition("kafka on 127.0.0.1:" + port + " to answer", this::answers, Duration.ofSeconds(120));
  }

  /** Whether the broker answers a cluster description within 5 s. */
  boolean answers() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
      return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  /** The running broker's process id (for CPU accounting in the benchmark). */
  long pid() {
    return runs.get(runs.size() - 1).pid();
  }

  String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** SIGKILL: an outage without warning. */
  void kill() throws InterruptedException {
    runs.get(runs.size() - 1).kill();
  }

  /** Starts it again on the same ports and log folder and waits until it answers. */
  void restart() throws IOException, InterruptedException {
    if (runs.get(runs.size() - 1).isAlive()) {
      kill();
    }
    run();
  }

  String output() {
    StringBuilder sb = new StringBuilder();
    for (JavaProcess run : runs) {
      String out = run.output();
      sb.append("--- output of ").append(run).append(" (last 4000 chars) ---\n")
          .append(out.length() > 4000 ? out.substring(out.length() - 4000) : out).append('\n');
    }
    return sb.toString();
  }

  @Override
  public void close() throws InterruptedException {
    for (JavaProcess run : runs) {
      run.close();
    }
  }
}
