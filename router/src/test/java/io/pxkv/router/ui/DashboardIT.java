package io.pxkv.router.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.auth.Secret;
import io.pxkv.common.auth.Tokens;
import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.node.NodeConfig;
import io.pxkv.node.NodeServer;
import io.pxkv.router.RunningRouter;
import io.pxkv.router.config.RouterConfig;
import io.pxkv.router.config.RouterSecurity;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless Chromium) against a real cluster in this JVM:
 * three nodes behind a router that watches a cluster file, a fourth node started aside. It checks
 * what a person would: the ring and the node table show every node; a prefix search pages through
 * keys and a glob search finds them; a key opens with its value exactly as stored, an edit is saved
 * (and the API then answers the new value), a bad edit shows the API's error message, a delete
 * removes the key; and adding the fourth node to the cluster file makes the move's progress bar
 * appear, then finish.
 *
 * <p>Skipped, saying why, when {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is
 * missing (Debian packages {@code chromium}, {@code chromium-driver}; {@code .ci/run} installs
 * them). A screenshot of the dashboard goes to {@code target/dashboard.png}, and also to the path
 * in {@code -Dpxkv.dashboard.screenshot} when given (the README's {@code docs/dashboard.png}).
 */
@ExtendWith(Browser.Required.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int USERS = 25;
  // Enough keys that each node has more strays than one push moves (Mover.BATCH), so the move is
  // paced and lasts a few seconds, long enough to watch.
  private static final int BULK = 30_000;
  private static final int KEYS_PER_SECOND = 1500;
  private static final String ODD_KEY = "odd:ü x/y?";
  private static final String ODD_VALUE = "{\"big\":12345678901234567890123,\"price\":1.10}";

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Vertx> vertxes = new ArrayList<>();
  private final Map<String, NodeServer> nodes = new LinkedHashMap<>();
  private Path root;
  private Path clusterFile;
  private RunningRouter router;
  private String base;
  private WebDriver driver;

  @BeforeAll
  void startClusterAndBrowser(@TempDir Path root) throws Exception {
    this.root = root;
    for (int i = 1; i <= 4; i++) {
      String id = "node-" + i;
      NodeConfig base = NodeConfig.forTest(id, root.resolve(id));
      NodeConfig config = new NodeConfig(id, "127.0.0.1", 0, base.storage(), base.limits(), 1);
      // Each on a Vert.x of its own: two servers asking one Vert.x for port 0 would share a port.
      Vertx vertx = Vertx.vertx();
      vertxes.add(vertx);
      nodes.put(id, NodeServer.start(vertx, config).await(30, TimeUnit.SECONDS));
    }
    clusterFile = root.resolve("cluster.json");
    writeCluster("node-1", "node-2", "node-3");
    RouterConfig config =
        RouterConfig.builder()
            .cluster(ClusterConfig.load(clusterFile), clusterFile.toString())
            .timeoutMs(30_000)
            .instances(1)
            .rebalanceKeysPerSecond(KEYS_PER_SECOND, KEYS_PER_SECOND)
            .build();
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    router = RunningRouter.start(vertx, config).await(60, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + router.port();
    loadKeys();
    driver = Browser.start(root.resolve("chromium-profile"));
  }

  @AfterAll
  void stopAll() throws Exception {
    if (driver != null) driver.quit();
    if (router != null) router.close().await(30, TimeUnit.SECONDS);
    for (NodeServer n : nodes.values()) n.close().await(30, TimeUnit.SECONDS);
    for (Vertx v : vertxes) v.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @Order(1)
  void theRingAndTheNodeTableShowEveryNode() {
    driver.get(base + "/ui");
    await("a ring arc group per node", d -> ringGroups().size() == 3);
    assertEquals(List.of("node-1", "node-2", "node-3"), ringGroups());
    for (String id : List.of("node-1", "node-2", "node-3")) {
      WebElement group = find("#ring g.ring-node[data-node='" + id + "']");
      assertTrue(!group.findElements(By.cssSelector("path.arc")).isEmpty(), id + " has no arc");
    }
    await("three nodes up in the table", d -> nodeRows().size() == 3 && allUp());
    long[] keys = new long[1];
    await(
        "the table counting " + (USERS + BULK + 1) + " keys",
        d -> {
          keys[0] = 0;
          for (WebElement row : nodeRows()) {
            keys[0] +=
                Long.parseLong(
                    row.findElement(By.cssSelector("td.keys")).getText().replace(",", ""));
          }
          return keys[0] == USERS + BULK + 1;
        });
    assertTrue(find("#summary").getText().contains("3/3 nodes up"), find("#summary").getText());
  }

  @Test
  @Order(2)
  void aPrefixSearchPagesThroughTheKeys() {
    search("prefix", "user:", 10);
    await("the first page", d -> keyRows().size() == 10);
    assertEquals("user:00", keyRows().get(0));
    assertTrue(find("#more").isDisplayed());
    find("#more").click();
    await("the second page", d -> keyRows().size() == 20);
    find("#more").click();
    await("the last page", d -> keyRows().size() == USERS && !find("#more").isDisplayed());
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < USERS; i++) expected.add(user(i));
    assertEquals(expected, keyRows());
  }

  @Test
  @Order(3)
  void aGlobSearchFindsTheKeysItMatches() {
    search("match", "user:1?", 50);
    await("the keys user:10 to user:19", d -> keyRows().size() == 10);
    assertEquals("user:10", keyRows().get(0));
    assertEquals("user:19", keyRows().get(9));
    search("match", "user:[", 50);
    await("the API's error for a bad glob", d -> find("#search-error").isDisplayed());
    assertTrue(find("#search-error").getText().contains("invalid_request"));
  }

  @Test
  @Order(4)
  void aKeyOpensWithItsValueExactlyAsStored() {
    search("prefix", "odd:", 10);
    await("the odd key", d -> keyRows().equals(List.of(ODD_KEY)));
    openKey(ODD_KEY);
    String shown = find("#editor-value").getAttribute("value");
    // Kept as written: JavaScript's own JSON.parse would have rounded these numbers.
    assertTrue(shown.contains("12345678901234567890123"), shown);
    assertTrue(shown.contains("1.10"), shown);
  }

  @Test
  @Order(5)
  void anEditIsSavedAndABadOneShowsTheApiError() throws Exception {
    search("prefix", "user:", 10);
    await("the first page", d -> keyRows().size() == 10);
    openKey("user:03");
    assertTrue(find("#editor-value").getAttribute("value").contains("\"n\": 3"));
    typeValue("{\"name\": \"Ada\", \"n\": 42}");
    find("#save").click();
    await("saved", d -> find("#editor-status").getText().startsWith("saved"));
    HttpResponse<String> read = send("GET", "/kv/" + encode("user:03"), null);
    assertEquals(200, read.statusCode());
    assertEquals(
        "{\"name\":\"Ada\",\"n\":42}", new JsonObject(read.body()).getValue("value").toString());
    assertEquals("{\"name\":\"Ada\",\"n\":42}", rowValue("user:03"));

    typeValue("{\"name\": ");
    find("#save").click();
    await("the error", d -> find("#editor-error").isDisplayed());
    String apiMessage =
        new JsonObject(send("PUT", "/kv/" + encode("user:03"), "{\"name\": ").body())
            .getString("message");
    assertEquals(apiMessage + " (invalid_json, 400)", find("#editor-error").getText());
    assertEquals(
        "{\"name\":\"Ada\",\"n\":42}",
        new JsonObject(send("GET", "/kv/" + encode("user:03"), null).body())
            .getValue("value")
            .toString());
  }

  @Test
  @Order(6)
  void aDeleteRemovesTheKey() throws Exception {
    openKey("user:04");
    find("#delete").click();
    await("deleted", d -> find("#editor-status").getText().equals("deleted"));
    assertTrue(!keyRows().contains("user:04"));
    assertEquals(404, send("GET", "/kv/" + encode("user:04"), null).statusCode());
  }

  @Test
  @Order(7)
  void addingANodeShowsTheMoveProgressUntilItIsDone() throws Exception {
    openKey("user:05"); // an open key for the screenshot
    // Clients reading meanwhile make the router move keys in small, paced batches, as in any
    // cluster that serves while it grows; with nobody reading, a move this small ends at once.
    java.util.concurrent.atomic.AtomicBoolean reading =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread reader =
        new Thread(
            () -> {
              while (reading.get()) {
                try {
                  send("GET", "/kv/" + encode("user:05"), null);
                } catch (Exception e) {
                  return;
                }
              }
            },
            "dashboard-reader");
    reader.start();
    try {
      writeCluster("node-1", "node-2", "node-3", "node-4");
      await(
          "the progress bar of a move that has moved keys",
          d ->
              find("#move").isDisplayed()
                  && find("#move").getAttribute("data-phase").equals("moving")
                  && barPercent() > 0);
      assertTrue(find("#move-text").getText().startsWith("Moving: "), find("#move-text").getText());
      screenshot();
    } finally {
      reading.set(false);
      reader.join(10_000);
    }
    await(
        "the move done",
        d -> find("#move").getAttribute("data-phase").equals("done") && barPercent() == 100);
    await("four nodes on the ring", d -> ringGroups().size() == 4 && nodeRows().size() == 4);
    assertTrue(find("#move-text").getText().startsWith("Last move done: "));
    assertEquals(200, send("GET", "/kv/" + encode("user:05"), null).statusCode());
  }

  // ---- the page

  private WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  private List<String> ringGroups() {
    List<String> ids = new ArrayList<>();
    for (WebElement g : driver.findElements(By.cssSelector("#ring g.ring-node"))) {
      ids.add(g.getAttribute("data-node"));
    }
    return ids;
  }

  private List<WebElement> nodeRows() {
    return driver.findElements(By.cssSelector("#nodes tbody tr"));
  }

  private boolean allUp() {
    for (WebElement row : nodeRows()) {
      if (!row.findElement(By.cssSelector("td.state")).getText().equals("up")) return false;
    }
    return true;
  }

  private List<String> keyRows() {
    List<String> keys = new ArrayList<>();
    for (WebElement row : driver.findElements(By.cssSelector("#keys tbody tr"))) {
      keys.add(row.getAttribute("data-key"));
    }
    return keys;
  }

  private String rowValue(String key) {
    for (WebElement row : driver.findElements(By.cssSelector("#keys tbody tr"))) {
      if (key.equals(row.getAttribute("data-key"))) {
        return row.findElement(By.cssSelector("td.value")).getText();
      }
    }
    return null;
  }

  /**
   * A second router over the same cluster, with tokens on: the page and its scripts load without a
   * token, its API calls are refused until a token is typed in the header's field; the data token
   * then lists keys but not the cluster's state (admin), the admin token both.
   */
  @Test
  @Order(8)
  void withTokensOnThePageAsksForOneAndSendsIt() throws Exception {
    String data = "dashboard-data-token-0123456789";
    String admin = "dashboard-admin-token-0123456789";
    RouterConfig config =
        RouterConfig.of(ClusterConfig.load(clusterFile), 0)
            .withInstances(1)
            .withSecurity(
                new RouterSecurity(
                    new Tokens(Secret.of(data), Secret.of(admin)), null, NodeAccess.NONE));
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    RunningRouter secured = RunningRouter.start(vertx, config).await(60, TimeUnit.SECONDS);
    try {
      driver.get("http://127.0.0.1:" + secured.port() + "/ui");
      ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
      driver.navigate().refresh();
      await(
          "the API's 401 in the banner",
          d -> find("#banner").isDisplayed() && find("#banner").getText().contains("unauthorized"));
      typeToken(data);
      search("prefix", "user:", 5);
      await("keys listed with the data token", d -> keyRows().size() == 5);
      await(
          "the admin calls refused for the data token",
          d -> find("#banner").isDisplayed() && find("#banner").getText().contains("forbidden"));
      typeToken(admin);
      await("the nodes shown with the admin token", d -> !nodeRows().isEmpty() && allUp());
      await("no banner with the admin token", d -> !find("#banner").isDisplayed());
      assertEquals(
          admin,
          ((JavascriptExecutor) driver)
              .executeScript("return sessionStorage.getItem('pxkv.token')"));
    } finally {
      ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
      secured.close().await(30, TimeUnit.SECONDS);
    }
  }

  private void typeToken(String token) {
    WebElement field = find("#token");
    field.clear();
    field.sendKeys(token, Keys.TAB);
  }

  private void search(String mode, String text, int limit) {
    new Select(find("#search-mode")).selectByValue(mode);
    find("#search-text").clear();
    find("#search-text").sendKeys(text);
    find("#search-limit").clear();
    find("#search-limit").sendKeys(String.valueOf(limit));
    find("#search-go").click();
  }

  private void openKey(String key) {
    for (WebElement row : driver.findElements(By.cssSelector("#keys tbody tr"))) {
      if (key.equals(row.getAttribute("data-key"))) {
        row.findElement(By.cssSelector("td.key button")).click();
        await(
            "the value of " + key,
            d ->
                find("#editor").isDisplayed()
                    && find("#editor-key").getAttribute("value").equals(key)
                    && find("#editor-status").getText().startsWith("version"));
        return;
      }
    }
    throw new AssertionError(key + " is not listed: " + keyRows());
  }

  private void typeValue(String value) {
    WebElement area = find("#editor-value");
    area.clear();
    area.sendKeys(value);
  }

  private double barPercent() {
    Object width =
        ((JavascriptExecutor) driver)
            .executeScript("return document.getElementById('move-bar').style.width");
    String w = String.valueOf(width);
    return w.endsWith("%") ? Double.parseDouble(w.substring(0, w.length() - 1)) : 0;
  }

  private void await(String what, ExpectedCondition<Boolean> condition) {
    // The page redraws its tables every second: an element found just before a redraw is stale.
    new WebDriverWait(driver, WAIT, Duration.ofMillis(100))
        .withMessage(what)
        .ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  /** The page from its top, once the progress bar has grown to its width (it is animated). */
  private void screenshot() throws Exception {
    JavascriptExecutor page = (JavascriptExecutor) driver;
    page.executeScript("window.scrollTo(0, 0)");
    await(
        "the bar drawn at its width",
        d -> {
          Object drawn =
              page.executeScript(
                  "const bar = document.getElementById('move-bar');"
                      + "return 100 * bar.getBoundingClientRect().width"
                      + " / bar.parentElement.getBoundingClientRect().width;");
          return Math.abs(((Number) drawn).doubleValue() - barPercent()) < 1;
        });
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(Path.of("target", "dashboard.png"), png);
    String extra = System.getProperty("pxkv.dashboard.screenshot");
    if (extra != null && !extra.isBlank()) Files.write(Path.of(extra), png);
  }

  // ---- the cluster

  private static String user(int i) {
    return String.format("user:%02d", i);
  }

  /** The users and the bulk in one import through the router, then the odd key. */
  private void loadKeys() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < USERS; i++) {
      lines.append(
          new JsonObject()
              .put("key", user(i))
              .put("value", new JsonObject().put("name", "user " + i).put("n", i))
              .encode());
      lines.append('\n');
    }
    for (int i = 0; i < BULK; i++) {
      lines.append("{\"key\":\"bulk:").append(i).append("\",\"value\":").append(i).append("}\n");
    }
    HttpResponse<String> imported = send("POST", "/admin/import", lines.toString());
    assertEquals(200, imported.statusCode(), imported.body());
    assertEquals(201, send("PUT", "/kv/" + encode(ODD_KEY), ODD_VALUE).statusCode());
  }

  /** Replaces the cluster file in one step, as an editor or a config tool would. */
  private void writeCluster(String... ids) throws Exception {
    JsonArray list = new JsonArray();
    for (String id : ids) {
      list.add(
          new JsonObject().put("id", id).put("url", "http://127.0.0.1:" + nodes.get(id).port()));
    }
    Path tmp = root.resolve("cluster.json.tmp");
    Files.writeString(
        tmp,
        new JsonObject().put("virtualNodes", 128).put("replicas", 1).put("nodes", list).encode());
    Files.move(
        tmp, clusterFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String encode(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, publisher)
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
