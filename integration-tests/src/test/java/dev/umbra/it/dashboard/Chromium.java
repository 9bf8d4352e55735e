package dev.umbra.it.dashboard;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The Debian {@code chromium} and {@code chromium-driver} packages, driven through Selenium with
 * both paths given, so that Selenium Manager never tries to download a browser or a driver.
 * {@code UMBRA_CHROMIUM} and {@code UMBRA_CHROMEDRIVER} override the paths.
 */
record Chromium(Path browser, Path driver) {
  static final String INSTALL = "apt-get install chromium chromium-driver";

  static Optional<Chromium> find() {
    Optional<Path> browser = first(System.getenv("UMBRA_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser");
    Optional<Path> driver = first(System.getenv("UMBRA_CHROMEDRIVER"), "/usr/bin/chromedriver");
    return browser.isPresent() && driver.isPresent() ? Optional.of(new Chromium(browser.get(), driver.get())) : Optional.empty();
  }

  private static Optional<Path> first(String... candidates) {
    for (String c : candidates) {
      if (c != null && !c.isBlank() && Files.isExecutable(Path.of(c))) {
        return Optional.of(Path.of(c));
      }
    }
    return Optional.empty();
  }

  /** A headless browser with its own profile and logs in {@code work}. */
  ChromeDriver start(Path work, int width, int height) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.toFile());
    options.addArguments(List.of(
        "--headless=new",
        "--no-sandbox", // CI runs as root, where Chromium's sandbox cannot start
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--window-size=" + width + "," + height,
        "--user-data-dir=" + work.resolve("chromium-profile")));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(driver.toFile())
        .usingAnyFreePort()
        .withLogFile(new File(work.resolve("chromedriver.log").toString()))
        .withTimeout(Duration.ofSeconds(60))
        .build();
    return new ChromeDriver(service, options);
  }
}
