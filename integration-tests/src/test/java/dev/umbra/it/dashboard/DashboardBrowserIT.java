package dev.umbra.it.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.shadow.ShadowProcess;
import dev.umbra.it.support.JavaProcess;
import dev.umbra.proto.v1.Primary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.FluentWait;

/**
 * The dashboard in a real headless Chromium: a real shadow ({@code umbra serve}), a real primary
 * with the agent that runs steady, then has an injected fault (every core busy, 160 MB held),
 * then recovers; with the anomaly check on, the fault starts on cue once the shadow has had
 * {@link #LEARN} of steady telemetry (the detector learns each series for 30 s first). The page, opened on {@code mem.heap.used}, must list the primary, draw the
 * observed points, the forecast fan and the allocation line (the max heap) from the live event
 * stream, then the fault's seconds, and (once the detector is wired into the shadow) mark the
 * fault as an anomaly. Saves {@code target/dashboard.png} (before the fault) and
 * {@code target/dashboard-fault.png} (once the fault is on the chart, and marked).
 *
 * <p>Skipped with a reason when Chromium is missing, except under {@code CI=true}, where it fails:
 * {@code .ci/run} installs it.
 */
class DashboardBrowserIT {
  /**
   * Whether the shadow's detector reports anomalies to the dashboard. Set by failsafe's
   * {@code umbra.it.dashboard.anomaly} (integration-tests/pom.xml, on): the test then also requires
   * the fault flagged by the detector and marked on the chart and in the table.
   */
  private static final boolean EXPECT_ANOMALY = Boolean.getBoolean("umbra.it.dashboard.anomaly");
  private static final Duration PAGE_WAIT = Duration.ofSeconds(120);
  /** Steady telemetry the shadow gets before the fault when the anomaly is checked. */
  private static final Duration LEARN = Duration.ofSeconds(60);
  private static final Pattern COORDINATE = Pattern.compile("(-?[0-9.]+),(-?[0-9.]+)");

  private static Chromium chromium;

  @TempDir Path work;
  private ShadowProcess shadow;
  private JavaProcess primary;
  private ChromeDriver browser;

  @BeforeAll
  static void requireChromium() {
    Optional<Chromium> found = Chromium.find();
    if (found.isEmpty()) {
      String why = "no chromium and chromedriver in /usr/bin (" + Chromium.INSTALL + ")";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why + ": under CI=true the browser test must run; .ci/run installs them");
      }
      Assumptions.abort(why + "; skipped outside CI");
    }
    chromium = found.get();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (primary != null) {
      System.out.println("--- output of the primary ---\n" + primary.output());
      primary.close();
    }
    if (shadow != null) {
      System.out.println("--- output of the shadow ---\n" + shadow.current().output());
      shadow.close();
    }
  }

  @Test
  void drawsPointsForecastBandsAndAllocation_ofALivePrimary_andMarksTheInjectedFault() throws Exception {
    shadow = ShadowProcess.start(work, "-Xmx512m");
    primary = JavaProcess.start("spike-primary", JavaProcess.java17Home(), List.of(
            "-Xmx384m",
            "-javaagent:" + JavaProcess.agentJar() + "=" + shadow.agentOptions() + ",criticality=high",
            "-cp", JavaProcess.testClasses().toString(),
            "dev.umbra.it.primaries.SpikeWorkload", EXPECT_ANOMALY ? "cue" : "45", "20", "60"),
        Map.of(), work);
    Primary seen = awaitPrimary(primary.pid());
    long connected = System.currentTimeMillis();

    browser = chromium.start(work, 1400, 1000);
    // the heap shows the fault whatever the machine's load: 160 MB held take little CPU to allocate
    browser.get("http://127.0.0.1:" + shadow.httpPort() + "/dashboard/#series=mem.heap.used");
    try {
      until("the page to list the primary", d -> !d.findElements(
          By.cssSelector("#primaries li.primary.selected[data-id='" + seen.getPrimaryId() + "']")).isEmpty());
      until("at least 20 observed points", d -> intAttribute(d.findElement(By.id("observed")), "data-points") >= 20);
      until("the forecast fan", d -> d.findElements(By.cssSelector("#fan path.band")).size() >= 3);
      until("the allocation line", d -> !d.findElement(By.id("allocation")).getDomAttribute("d").isEmpty());

      checkGeometry();
      assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("live");
      screenshot("dashboard.png"); // before the fault

      if (EXPECT_ANOMALY) {
        // the detector learns each series for 30 s before it scores (and its threshold for 30 s
        // more): the fault comes once the shadow has seen LEARN of steady telemetry, however late
        // the agent connected on a loaded box
        long left = connected + LEARN.toMillis() - System.currentTimeMillis();
        if (left > 0) {
          Thread.sleep(left);
        }
        primary.process().getOutputStream().write("fault\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        primary.process().getOutputStream().flush();
      }
      primary.awaitOutput("^phase fault", Duration.ofSeconds(120));
      // checked as soon as the page shows them, during the fault or after it (the primary runs
      // 20 s of fault, then 60 s steady): the test used to wait the fault out first
      if (EXPECT_ANOMALY) {
        until("the injected fault marked as an anomaly", d ->
            !d.findElements(By.cssSelector("#anomalies g.anomaly")).isEmpty()
                && !d.findElements(By.cssSelector("#anomalies-table tr.anomaly-row")).isEmpty());
        assertThat((String) browser.executeScript(
            "return document.querySelector('#anomalies-table tr.anomaly-row').textContent;")).isNotBlank();
      }
      until("the fault's 160 MB on the heap chart", d -> maxObserved(d, "mem.heap.used") > 150 * (1 << 20));
      screenshot("dashboard-fault.png");
    } catch (AssertionError | RuntimeException e) {
      screenshot("dashboard-failure.png");
      throw new AssertionError(e.getMessage() + "\n--- browser console ---\n" + console(), e);
    }
  }

  /**
   * Observed points lie left of "now"; every band starts about where they end (a forecast may lag
   * the newest second by a few seconds, ~2.5 px each) and reaches well into the future.
   */
  @SuppressWarnings("unchecked")
  private void checkGeometry() {
    // one snapshot from the page: it redraws every second, so elements found earlier go stale
    Map<String, Object> chart = (Map<String, Object>) browser.executeScript(
        "return {now: document.getElementById('now').getAttribute('x1'),"
            + " observed: document.getElementById('observed').getAttribute('d'),"
            + " bands: [...document.querySelectorAll('#fan path.band')].map(b => b.getAttribute('d')),"
            + " model: document.getElementById('model').textContent};");
    double now = Double.parseDouble((String) chart.get("now"));
    double[] observedX = xs((String) chart.get("observed"));
    assertThat(observedX).hasSizeGreaterThanOrEqualTo(20);
    double lastObserved = Arrays.stream(observedX).max().orElseThrow();
    assertThat(lastObserved).isLessThanOrEqualTo(now + 1);
    List<String> bands = (List<String>) chart.get("bands");
    assertThat(bands).hasSizeGreaterThanOrEqualTo(3);
    for (String band : bands) {
      double[] x = xs(band);
      assertThat(x.length).as("points of band %s", band).isGreaterThanOrEqualTo(2 * 60);
      assertThat(Arrays.stream(x).min().orElseThrow()).isGreaterThanOrEqualTo(lastObserved - 30);
      assertThat(Arrays.stream(x).max().orElseThrow()).isGreaterThan(now + 100).isLessThanOrEqualTo(960);
    }
    assertThat((String) chart.get("model")).startsWith("forecast: ");
  }

  /** The highest value of {@code series} the page holds (the chart's data, read from the page). */
  private static double maxObserved(WebDriver d, String series) {
    Object v = ((ChromeDriver) d).executeScript(
        "return state.series === arguments[0] ? Math.max(0, ...state.points.values()) : -1;", series);
    return ((Number) v).doubleValue();
  }

  private static double[] xs(String path) {
    Matcher m = COORDINATE.matcher(path);
    return m.results().mapToDouble(r -> Double.parseDouble(r.group(1))).toArray();
  }

  private static int intAttribute(WebElement e, String name) {
    String v = e.getDomAttribute(name);
    return v == null || v.isEmpty() ? 0 : Integer.parseInt(v);
  }

  private void until(String what, Function<WebDriver, Boolean> condition) {
    new FluentWait<WebDriver>(browser)
        .withTimeout(PAGE_WAIT)
        .pollingEvery(Duration.ofMillis(500))
        .ignoring(StaleElementReferenceException.class) // the page redraws every second
        .withMessage(() -> what + "; page status: " + browser.findElement(By.id("status")).getText())
        .until(condition);
  }

  private Primary awaitPrimary(long pid) throws InterruptedException {
    Primary[] found = new Primary[1];
    primary.awaitCondition("primary " + pid + " at the shadow", () -> {
      found[0] = shadow.primaries(false).stream().filter(p -> p.getPid() == pid).findFirst().orElse(null);
      return found[0] != null;
    }, Duration.ofSeconds(90));
    return found[0];
  }

  private void screenshot(String name) {
    try {
      Path target = Path.of(System.getProperty("umbra.it.artifacts", "target"));
      Files.createDirectories(target);
      Files.write(target.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
      System.out.println("screenshot: " + target.resolve(name).toAbsolutePath());
    } catch (Exception e) {
      System.out.println("no screenshot: " + e);
    }
  }

  private String console() {
    try {
      StringBuilder sb = new StringBuilder();
      browser.manage().logs().get("browser").forEach(entry -> sb.append(entry).append('\n'));
      return sb.toString();
    } catch (RuntimeException e) {
      return "(not available: " + e.getMessage() + ")";
    }
  }
}
