package dev.umbra.it.agent;

import dev.umbra.it.support.FreePort;
import dev.umbra.it.support.JavaProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The third-party workload: an H2 2.3 server ({@code org.h2.tools.Server -tcp}) as the primary,
 * and a SQL load driven over JDBC from the test JVM. A 1 MB page cache on a table that grows to
 * tens of MB makes H2 read its file as well as write it.
 */
final class H2Workload {
  final JavaProcess server;
  private final int port;

  static Path h2Jar() {
    try {
      return Path.of(org.h2.tools.Server.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts the server with {@code jvmArgs} (e.g. the -javaagent option) and waits until it listens. */
  static H2Workload start(String name, Path javaHome, Path workDir, List<String> jvmArgs)
      throws IOException, InterruptedException {
    return start(name, List.of(), javaHome, workDir, jvmArgs);
  }

  /**
   * As {@link #start(String, Path, Path, List)}, the server's command line starting with
   * {@code launcher} (e.g. {@code taskset -c 0}).
   */
  static H2Workload start(String name, List<String> launcher, Path javaHome, Path workDir, List<String> jvmArgs)
      throws IOException, InterruptedException {
    int port = FreePort.pick();
    List<String> command = new ArrayList<>(launcher);
    command.add(javaHome.resolve("bin/java").toString());
    command.addAll(jvmArgs);
    command.addAll(List.of("-Xmx96m", "-cp", h2Jar().toString(), "org.h2.tools.Server",
        "-tcp", "-tcpPort", Integer.toString(port), "-baseDir", workDir.resolve("db").toString(), "-ifNotExists"));
    JavaProcess process = JavaProcess.exec(name, command, Map.of(), workDir);
    H2Workload h2 = new H2Workload(process, port);
    process.awaitOutput("TCP server running", Duration.ofSeconds(60));
    return h2;
  }

  private H2Workload(JavaProcess server, int port) {
    this.server = server;
    this.port = port;
  }

  int port() {
    return port;
  }

  /** Runs inserts and range reads for {@code duration}; returns the statements executed. */
  long load(Duration duration) throws SQLException {
    String url = "jdbc:h2:tcp://127.0.0.1:" + port() + "/./load;CACHE_SIZE=1024";
    long statements = 0;
    long until = System.nanoTime() + duration.toNanos();
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS t(id BIGINT PRIMARY KEY, payload VARCHAR(4000))");
      }
      long next;
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM t")) {
        r.next();
        next = r.getLong(1) + 1;
      }
      String payload = "x".repeat(1500);
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES (?, ?)");
          PreparedStatement read = c.prepareStatement("SELECT SUM(LENGTH(payload)) FROM t WHERE id BETWEEN ? AND ?")) {
        while (System.nanoTime() < until) {
          for (int i = 0; i < 200; i++) {
            insert.setLong(1, next++);
            insert.setString(2, payload + next);
            insert.addBatch();
          }
          insert.executeBatch();
          statements += 200;
          for (int i = 0; i < 20; i++) {
            long from = ThreadLocalRandom.current().nextLong(1, next);
            read.setLong(1, from);
            read.setLong(2, from + 300);
            try (ResultSet r = read.executeQuery()) {
              r.next();
            }
            statements++;
          }
        }
      }
    }
    return statements;
  }
}
