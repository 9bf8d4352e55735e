package dev.umbra.shadow.dashboard;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.umbra.shadow.anomaly.Anomaly;
import dev.umbra.shadow.checkpoint.CheckpointManifest;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.heap.ClassCount;
import dev.umbra.shadow.heap.ClassGrowth;
import dev.umbra.shadow.heap.HeapSnapshot;
import dev.umbra.shadow.heap.OldObject;
import dev.umbra.shadow.ingest.PrimaryIdentity;
import dev.umbra.shadow.ingest.PrimaryView;
import dev.umbra.shadow.manager.Decision;
import dev.umbra.shadow.series.SeriesWindow;
import java.util.List;
import java.util.Locale;

/**
 * The dashboard's JSON shapes, one method per thing shown. Numbers are in the series' unit and
 * times in Unix milliseconds (grid seconds in Unix seconds); a missing value is {@code null}.
 */
final class Json {
  private static final Gson gson = new Gson();

  private Json() {}

  static String text(JsonElement element) {
    return gson.toJson(element);
  }

  static JsonElement number(double value) {
    return Double.isFinite(value) ? new JsonPrimitive(value) : JsonNull.INSTANCE;
  }

  static JsonObject error(String message) {
    JsonObject o = new JsonObject();
    o.addProperty("error", message);
    return o;
  }

  static JsonObject primary(PrimaryView view) {
    PrimaryIdentity id = view.identity();
    JsonObject o = new JsonObject();
    o.addProperty("id", view.primaryId());
    o.addProperty("workload", id.workload());
    o.addProperty("workloadName", id.workloadName());
    o.addProperty("host", id.host());
    o.addProperty("pid", id.pid());
    o.addProperty("state", view.state().name().toLowerCase(Locale.ROOT));
    o.addProperty("lastSeenMs", view.lastSeenMillis());
    o.add("loss", number(view.loss()));
    o.addProperty("batches", view.batchesReceived());
    o.addProperty("points", view.pointsReceived());
    o.addProperty("java", id.jvm().javaVersion());
    o.addProperty("criticality", id.criticality().name().toLowerCase(Locale.ROOT));
    return o;
  }

  static JsonObject series(String primaryId, SeriesWindow window) {
    JsonObject o = new JsonObject();
    o.addProperty("primary", primaryId);
    o.addProperty("series", window.series().value());
    o.addProperty("unit", window.series().unit());
    o.addProperty("firstSecond", window.firstSecond());
    JsonArray values = new JsonArray(window.size());
    for (int i = 0; i < window.size(); i++) {
      values.add(number(window.value(i)));
    }
    o.add("values", values);
    return o;
  }

  static JsonObject forecast(String primaryId, QuantileForecast f) {
    JsonObject o = new JsonObject();
    o.addProperty("primary", primaryId);
    o.addProperty("series", f.series());
    o.addProperty("model", f.model());
    o.addProperty("fallbackReason", f.fallbackReason().orElse(""));
    o.addProperty("originMs", f.origin().toEpochMilli());
    o.addProperty("stepMs", f.step().toMillis());
    o.add("levels", array(f.levels().toArray()));
    JsonArray steps = new JsonArray(f.horizon().steps());
    for (int i = 0; i < f.horizon().steps(); i++) {
      steps.add(array(f.stepQuantiles(i)));
    }
    o.add("steps", steps);
    o.add("peak", array(f.peakQuantiles()));
    return o;
  }

  static JsonObject checkpoint(CheckpointManifest m) {
    JsonObject o = new JsonObject();
    o.addProperty("id", m.id());
    o.addProperty("primary", m.primaryId());
    o.addProperty("workload", m.workload());
    o.addProperty("engine", m.engine());
    o.addProperty("createdMs", m.created().toEpochMilli());
    o.addProperty("states", m.states().size());
    o.addProperty("sizeBytes", m.sizeBytes());
    o.addProperty("trust", m.trust().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    return o;
  }

  static JsonObject anomaly(Anomaly a) {
    JsonObject o = new JsonObject();
    o.addProperty("id", a.id());
    o.addProperty("primary", a.primaryId());
    o.addProperty("series", a.series());
    JsonArray related = new JsonArray();
    a.relatedSeries().forEach(related::add);
    o.add("relatedSeries", related);
    o.addProperty("kind", a.kind().label());
    o.addProperty("onsetMs", a.onset().toEpochMilli());
    o.addProperty("detectedMs", a.detected().toEpochMilli());
    o.add("score", number(a.score()));
    o.add("observed", number(a.observed()));
    o.add("expectedLow", number(a.expectedLow()));
    o.add("expectedHigh", number(a.expectedHigh()));
    o.addProperty("explanation", a.explanation());
    return o;
  }

  static JsonObject decision(Decision d) {
    JsonObject o = new JsonObject();
    o.addProperty("id", Long.toString(d.id()));
    o.addProperty("primary", d.primaryId());
    o.addProperty("resource", d.resource().label());
    o.addProperty("timeMs", d.at().toEpochMilli());
    o.addProperty("action", enumName(d.action().name(), ""));
    o.add("current", number(d.current()));
    o.add("desired", number(d.desired()));
    o.add("predicted", number(d.predicted()));
    o.add("probability", number(d.probability()));
    o.addProperty("allocator", d.allocator());
    o.addProperty("applied", d.applied());
    o.addProperty("reason", d.reason());
    return o;
  }

  /** {@code ANOMALY_KIND_LEVEL_SHIFT} → {@code level-shift}. */
  private static String enumName(String name, String prefix) {
    String bare = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    return bare.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static JsonArray array(double[] values) {
    JsonArray a = new JsonArray(values.length);
    for (double v : values) {
      a.add(number(v));
    }
    return a;
  }

  /** A primary's heap for the page: snapshots oldest first, growth largest first, old objects. */
  static JsonObject heap(String primaryId, List<HeapSnapshot> snapshots,
      List<ClassGrowth> growth, List<OldObject> oldObjects) {
    JsonArray s = new JsonArray();
    for (HeapSnapshot h : snapshots) {
      JsonArray classes = new JsonArray();
      for (ClassCount c : h.classes()) {
        JsonObject row = new JsonObject();
        row.addProperty("name", c.className());
        row.addProperty("bytes", c.bytes());
        row.addProperty("instances", c.instances());
        classes.add(row);
      }
      JsonObject o = new JsonObject();
      o.addProperty("timeMs", h.at().toEpochMilli());
      o.add("classes", classes);
      o.addProperty("otherBytes", h.otherBytes());
      s.add(o);
    }
    JsonArray g = new JsonArray();
    for (ClassGrowth c : growth) {
      JsonObject row = new JsonObject();
      row.addProperty("name", c.className());
      row.addProperty("bytes", c.bytes());
      row.addProperty("instances", c.instances());
      row.addProperty("bytesGrowth", c.bytesGrowth());
      row.addProperty("instancesGrowth", c.instancesGrowth());
      g.add(row);
    }
    JsonArray old = new JsonArray();
    for (OldObject x : oldObjects) {
      JsonObject row = new JsonObject();
      row.addProperty("seenMs", x.seen().toEpochMilli());
      row.addProperty("className", x.className());
      row.addProperty("site", x.site().orElse(""));
      old.add(row);
    }
    JsonObject o = new JsonObject();
    o.addProperty("primary", primaryId);
    o.add("snapshots", s);
    o.add("growth", g);
    o.add("oldObjects", old);
    return o;
  }
}
