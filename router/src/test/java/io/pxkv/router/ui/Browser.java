package io.pxkv.router.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through Debian's chromedriver: both given by path, so Selenium
 * never tries to download a driver or a browser (there is no internet here), on a fresh profile,
 * with the flags Chromium needs on this machine (no sandbox as root, no GPU, no background
 * connections that a closed network refuses).
 */
final class Browser {
  static final Path CHROMIUM = Path.of(System.getProperty("pxkv.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getProperty("pxkv.chromedriver", "/usr/bin/chromedriver"));

  private Browser() {}

  /** Why there is no browser to test with, or null when there is one. */
  static String missing() {
    if (!Files.isExecutable(CHROMIUM)) return CHROMIUM + " is missing";
    if (!Files.isExecutable(CHROMEDRIVER)) return CHROMEDRIVER + " is missing";
    return null;
  }

  /**
   * Skips a test class, saying why (also on the console), when there is no browser: a developer
   * without Chromium can still run the build; CI installs it.
   */
  static final class Required implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String missing = missing();
      if (missing == null) return ConditionEvaluationResult.enabled("chromium and chromedriver");
      String why =
          "skipped: " + missing + " (install Debian's chromium and chromium-driver; .ci/run does)";
      if (context.getTestMethod().isEmpty()) {
        System.err.println(context.getDisplayName() + " " + why);
      }
      return ConditionEvaluationResult.disabled(why);
    }
  }

  static ChromeDriver start(Path profile) throws IOException {
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(30))
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1360,1500",
        "--user-data-dir=" + Files.createDirectories(profile));
    return new ChromeDriver(service, options);
  }
}
