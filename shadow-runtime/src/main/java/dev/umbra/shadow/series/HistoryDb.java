package dev.umbra.shadow.series;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * History on disk in an embedded DuckDB file ({@code <data>/history.duckdb}): grid points at 1 s,
 * downsampled to 1 min, and the primaries they belong to.
 *
 * <p>DuckDB because history is append-mostly columnar data read in long scans (training windows,
 * backtests) and its appender loads rows without SQL parsing; its WAL makes a commit durable, so
 * a {@code kill -9} loses only what was not yet committed.
 *
 * <p>Threads: {@link #write} and {@link #compact} are called by the store's one writer thread;
 * the read methods by any thread (they share one read connection under a lock).
 */
final class HistoryDb implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(HistoryDb.class);

  private final DuckDBConnection writer;
  private final Connection reader;
  private final Object readLock = new Object();
  /**
   * Revision of the last write. A second written again (late points corrected it) has several
   * rows; readers take the complete row with the highest revision, or the newest partial row
   * when the second has no complete one ({@link #NEWEST}).
   */
  private long lastRevision;
  /** The value of a second: complete rows beat partial ones, newer beats older. */
  static final String NEWEST = "arg_max(value, rev + CASE WHEN partial = 1 THEN 0::BIGINT ELSE 1125899906842624::BIGINT END)";

  HistoryDb(Path dataDir) {
    Path file = dataDir.resolve("history.duckdb");
    boolean existed = Files.exists(file);
    DuckDBConnection opened = null;
    Connection duplicate = null;
    try {
      Files.createDirectories(dataDir);
      Properties properties = new Properties();
      // The shadow must not compete with its primaries: one DuckDB thread, bounded memory.
      properties.setProperty("threads", "1");
      properties.setProperty("memory_limit", "256MB");
      DuckDbLeftovers.sweepOnce();
      opened = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, properties);
      duplicate = opened.duplicate();
      writer = opened;
      reader = duplicate;
      createSchema();
      lastRevision = maxRevision();
    } catch (Exception e) {
      closeQuietly(duplicate);
      closeQuietly(opened);
      throw openFailure(dataDir, file, existed, e);
    }
  }

  /**
   * Why history cannot be opened, in one line that says what to do: a file that is not a usable
   * DuckDB database (empty, truncated, not DuckDB, written by another DuckDB version, another
   * schema) stops the shadow until it is moved away.
   */
  static StoreException openFailure(Path dataDir, Path file, boolean existed, Exception e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("Could not set lock")) {
      return new StoreException("data folder " + dataDir + " is in use by another shadow; give this one its own --data", e);
    }
    String reason = message.lines().findFirst().orElse("");
    if (existed && Files.isRegularFile(file) && !message.contains("Permission denied")) {
      String problem = message.contains("not a valid DuckDB database") ? "not a DuckDB database" : reason;
      return new StoreException(file + " is not a usable history file (" + problem + "): move it away to keep it,"
          + " or delete it to start with empty history", e);
    }
    return new StoreException("cannot open history in " + dataDir + ": " + reason, e);
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException | RuntimeException e) {
        logger.debug("closing a history that failed to open", e);
      }
    }
  }

  private void createSchema() throws SQLException {
    try (Statement s = writer.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS primaries ("
              + " primary_id VARCHAR PRIMARY KEY, workload VARCHAR NOT NULL, workload_name VARCHAR,"
              + " host VARCHAR, pid BIGINT, jvm_start_ms BIGINT, first_seen_ms BIGINT,"
              + " last_seen_ms BIGINT, agent_version VARCHAR, durable_sequence BIGINT)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS points_1s ("
              + " primary_id VARCHAR NOT NULL, series VARCHAR NOT NULL, labels VARCHAR NOT NULL,"
              + " ts BIGINT NOT NULL, value DOUBLE NOT NULL, rev BIGINT NOT NULL DEFAULT 0,"
              + " partial TINYINT NOT NULL DEFAULT 0)");
      // history written before revisions existed: every row is revision 0, complete
      s.execute("ALTER TABLE points_1s ADD COLUMN IF NOT EXISTS rev BIGINT DEFAULT 0");
      s.execute("ALTER TABLE points_1s ADD COLUMN IF NOT EXISTS partial TINYINT DEFAULT 0");
      s.execute(
          "CREATE TABLE IF NOT EXISTS points_1m ("
              + " primary_id VARCHAR NOT NULL, series VARCHAR NOT NULL, labels VARCHAR NOT NULL,"
              + " ts BIGINT NOT NULL, mean DOUBLE, min DOUBLE, max DOUBLE, n INTEGER)");
    }
  }

  private long maxRevision() throws SQLException {
    try (Statement s = writer.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(max(rev), 0) FROM points_1s")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Appends points and updates primaries in one transaction: either all of it is durable or
   * none of it is.
   */
  void write(List<GridPoint> points, List<PrimaryRecord> primaries) throws SQLException {
    long revision = ++lastRevision;
    writer.setAutoCommit(false);
    try {
      if (!points.isEmpty()) {
        try (DuckDBAppender appender = writer.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "points_1s")) {
          for (GridPoint p : points) {
            appender.beginRow();
            appender.append(p.primaryId());
            appender.append(p.series().value());
            appender.append(p.labels());
            appender.append(p.epochSecond());
            appender.append(p.value());
            appender.append(revision);
            // TINYINT, not BOOLEAN: DuckDB 1.5.2's appender stored false for true here
            appender.append((byte) (p.partial() ? 1 : 0));
            appender.endRow();
          }
        }
      }
      if (!primaries.isEmpty()) {
        try (PreparedStatement upsert =
            writer.prepareStatement(
                "INSERT OR REPLACE INTO primaries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          for (PrimaryRecord r : primaries) {
            upsert.setString(1, r.primaryId());
            upsert.setString(2, r.workload());
            upsert.setString(3, r.workloadName());
            upsert.setString(4, r.host());
            upsert.setLong(5, r.pid());
            upsert.setLong(6, r.jvmStartMillis());
            upsert.setLong(7, r.firstSeenMillis());
            upsert.setLong(8, r.lastSeenMillis());
            upsert.setString(9, r.agentVersion());
            upsert.setLong(10, r.durableSequence());
            upsert.addBatch();
          }
          upsert.executeBatch();
        }
      }
      writer.commit();
    } catch (SQLException | RuntimeException e) {
      writer.rollback();
      throw e;
    } finally {
      writer.setAutoCommit(true);
    }
  }

  /**
   * Moves 1 s points older than {@code rawBeforeSecond} into minute rows and drops minute rows
   * older than {@code minutesBeforeSecond}. Both cut-offs are rounded down to a minute.
   */
  void compact(long rawBeforeSecond, long minutesBeforeSecond) throws SQLException {
    long rawCut = Math.floorDiv(rawBeforeSecond, 60) * 60;
    long minuteCut = Math.floorDiv(minutesBeforeSecond, 60) * 60;
    writer.setAutoCommit(false);
    try (PreparedStatement roll =
            writer.prepareStatement(
                "INSERT INTO points_1m SELECT primary_id, series, labels, (ts // 60) * 60,"
                    + " avg(v), min(v), max(v), count(*)::INTEGER FROM (SELECT primary_id, series,"
                    + " labels, ts, " + NEWEST + " AS v FROM points_1s WHERE ts < ? GROUP BY ALL)"
                    + " GROUP BY ALL");
        PreparedStatement dropRaw = writer.prepareStatement("DELETE FROM points_1s WHERE ts < ?");
        PreparedStatement dropMinutes = writer.prepareStatement("DELETE FROM points_1m WHERE ts < ?")) {
      roll.setLong(1, rawCut);
      int rolled = roll.executeUpdate();
      dropRaw.setLong(1, rawCut);
      int dropped = dropRaw.executeUpdate();
      dropMinutes.setLong(1, minuteCut);
      int expired = dropMinutes.executeUpdate();
      writer.commit();
      if (dropped > 0 || expired > 0) {
        logger.info("history compacted: {} raw points into {} minute rows, {} minute rows expired",
            dropped, rolled, expired);
      }
    } catch (SQLException | RuntimeException e) {
      writer.rollback();
      throw e;
    } finally {
      writer.setAutoCommit(true);
    }
  }

  /** Grid values of a canonical series in {@code [from, to)}, NaN where none was stored. */
  SeriesWindow window(String primaryId, SeriesName series, long from, long to) throws SQLException {
    int length = (int) Math.max(0, Math.min(to - from, 10_000_000L));
    double[] values = new double[length];
    Arrays.fill(values, Double.NaN);
    synchronized (readLock) {
      try (PreparedStatement q =
          reader.prepareStatement(
              "SELECT ts, " + NEWEST + " FROM points_1s WHERE primary_id = ? AND series = ?"
                  + " AND labels = '' AND ts >= ? AND ts < ? GROUP BY ts")) {
        q.setString(1, primaryId);
        q.setString(2, series.value());
        q.setLong(3, from);
        q.setLong(4, from + length);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            values[(int) (rs.getLong(1) - from)] = rs.getDouble(2);
          }
        }
      }
    }
    return new SeriesWindow(series, from, values);
  }

  /** The newest stored second of a primary's series, or {@code Long.MIN_VALUE}. */
  long newestSecond(String primaryId, SeriesName series) throws SQLException {
    synchronized (readLock) {
      try (PreparedStatement q =
          reader.prepareStatement(
              "SELECT max(ts) FROM points_1s WHERE primary_id = ? AND series = ? AND labels = ''")) {
        q.setString(1, primaryId);
        q.setString(2, series.value());
        try (ResultSet rs = q.executeQuery()) {
          long value = rs.next() ? rs.getLong(1) : 0;
          return rs.wasNull() ? Long.MIN_VALUE : value;
        }
      }
    }
  }

  /** The newest stored second of each primary. */
  Map<String, Long> newestSeconds() throws SQLException {
    Map<String, Long> out = new HashMap<>();
    synchronized (readLock) {
      try (Statement s = reader.createStatement();
          ResultSet rs = s.executeQuery("SELECT primary_id, max(ts) FROM points_1s GROUP BY primary_id")) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }

  /** Every primary the history knows, oldest first. */
  List<PrimaryRecord> primaries() throws SQLException {
    List<PrimaryRecord> records = new ArrayList<>();
    synchronized (readLock) {
      try (Statement s = reader.createStatement();
          ResultSet rs = s.executeQuery("SELECT * FROM primaries ORDER BY first_seen_ms")) {
        while (rs.next()) {
          records.add(
              new PrimaryRecord(
                  rs.getString("primary_id"),
                  rs.getString("workload"),
                  nonNull(rs.getString("workload_name")),
                  nonNull(rs.getString("host")),
                  rs.getLong("pid"),
                  rs.getLong("jvm_start_ms"),
                  rs.getLong("first_seen_ms"),
                  rs.getLong("last_seen_ms"),
                  nonNull(rs.getString("agent_version")),
                  rs.getLong("durable_sequence")));
        }
      }
    }
    return records;
  }

  /** Row counts per table, for tests and /metrics. */
  Map<String, Long> rowCounts() throws SQLException {
    synchronized (readLock) {
      try (Statement s = reader.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT (SELECT count(*) FROM points_1s), (SELECT count(*) FROM points_1m),"
                      + " (SELECT count(*) FROM primaries)")) {
        rs.next();
        return Map.of("points_1s", rs.getLong(1), "points_1m", rs.getLong(2), "primaries", rs.getLong(3));
      }
    }
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  @Override
  public void close() {
    for (Connection c : new Connection[] {reader, writer}) {
      try {
        c.close();
      } catch (SQLException e) {
        logger.warn("closing history failed", e);
      }
    }
  }
}
