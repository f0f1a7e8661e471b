package io.pxkv.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.launcher.TestCluster;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every admin command against a real router in front of three real nodes: what it prints for a
 * person and with {@code --json}, and its exit code, for success and for each way it fails (a key
 * that is not there, bad flags, a router that is down, a node that is down). Tests use keys of
 * their own; the one that stops a node runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminCliTest {
  private TestCluster cluster;
  private String url;
  private Path dir;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    cluster = TestCluster.start(dir.resolve("cluster"), 3);
    url = cluster.url();
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  /** Runs a command against the test cluster. */
  private Cli.Result px(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.add("--url");
    all.add(url);
    return new Cli().run(all.toArray(String[]::new));
  }

  private static void ok(Cli.Result r) {
    assertEquals(0, r.code(), r.toString());
    assertEquals("", r.err(), r.toString());
  }

  /** A failure: its code, one line on stderr naming the command, nothing on stdout. */
  private static void fails(Cli.Result r, int code, String command, String mention) {
    assertEquals(code, r.code(), r.toString());
    assertEquals("", r.out(), r.toString());
    assertTrue(r.err().startsWith("px-kvstore " + command + ": "), r.toString());
    assertEquals(1, r.err().lines().count(), "one line: " + r);
    assertTrue(r.err().contains(mention), mention + " in " + r);
  }

  @Test
  @Order(1)
  void putGetAndDelForAPersonAndForScripts() {
    Cli.Result created = px("put", "pgd", "{\"n\": 1.10, \"big\": 12345678901234567890123}");
    ok(created);
    assertTrue(created.out().matches("created pgd \\(version \\d+\\)\n"), created.out());
    Cli.Result replaced = px("put", "pgd", "[1.10,12345678901234567890123]");
    ok(replaced);
    assertTrue(replaced.out().startsWith("replaced pgd (version "), replaced.out());

    Cli.Result get = px("get", "pgd");
    ok(get);
    assertEquals("[1.10,12345678901234567890123]\n", get.out(), "the value exactly as stored");
    Cli.Result getJson = px("get", "pgd", "--json");
    ok(getJson);
    JsonObject body = new JsonObject(getJson.out());
    assertEquals("pgd", body.getString("key"));
    assertTrue(getJson.out().contains("\"value\":[1.10,12345678901234567890123]"), getJson.out());
    assertTrue(body.getLong("version") > 0);

    Cli.Result putJson = px("put", "pgd", "true", "--json");
    ok(putJson);
    assertEquals(true, new JsonObject(putJson.out()).getValue("value"));

    Cli.Result del = px("del", "pgd");
    ok(del);
    assertEquals("deleted pgd\n", del.out());
    fails(px("get", "pgd"), ExitCode.NOT_FOUND, "get", "no value for key 'pgd'");
    fails(px("del", "pgd"), ExitCode.NOT_FOUND, "del", "pgd");

    Cli.Result missingJson = px("get", "pgd", "--json");
    assertEquals(ExitCode.NOT_FOUND, missingJson.code());
    assertEquals("not_found", new JsonObject(missingJson.out()).getString("error"));
    assertTrue(missingJson.err().startsWith("px-kvstore get: "), missingJson.toString());
  }

  @Test
  @Order(2)
  void keysOfAnyUnicodeArriveAsTheyAre() {
    List<String> keys =
        List.of("greeting en", "a/b", "/lead", "100% +?&#=;", "🚀 launch", "café", "tab\there");
    for (String key : keys) {
      ok(px("put", "uni:" + key, key, "--string"));
    }
    for (String key : keys) {
      Cli.Result get = px("get", "uni:" + key);
      ok(get);
      assertEquals(
          new JsonObject().put("v", key).getValue("v"),
          new JsonObject("{\"v\":" + get.out() + "}").getString("v"));
    }
    Cli.Result listed = px("ls", "uni:", "--json");
    ok(listed);
    List<String> found = listed.out().lines().map(l -> new JsonObject(l).getString("key")).toList();
    assertEquals(
        keys.stream().map(k -> "uni:" + k).sorted(AdminCliTest::utf8Order).toList(),
        found,
        "every key once, in UTF-8 order");
    for (String key : keys) ok(px("del", "uni:" + key));
  }

  private static int utf8Order(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @Order(3)
  void aValueThatIsNotJsonIsBadInputWithAHint() throws Exception {
    fails(px("put", "text", "hello"), ExitCode.USAGE, "put", "--string stores text");
    ok(px("put", "text", "hello world", "-s"));
    assertEquals("\"hello world\"\n", px("get", "text").out());

    Path file = dir.resolve("value.json");
    Files.writeString(file, "{\"from\": \"a file\"}\n");
    ok(px("put", "text", "--file", file.toString()));
    assertEquals("{\"from\":\"a file\"}\n", px("get", "text").out());

    List<String> args = new ArrayList<>(List.of("put", "text", "-f", "-", "--url", url));
    Cli.Result fromStdin = new Cli().stdin("[\"stdin\"]").run(args.toArray(String[]::new));
    ok(fromStdin);
    assertEquals("[\"stdin\"]\n", px("get", "text").out());
    fails(px("put", "text"), ExitCode.USAGE, "put", "give VALUE or --file");
    fails(px("put", "text", "1", "--file", file.toString()), ExitCode.USAGE, "put", "not both");
  }

  @Test
  @Order(4)
  void lsPagesThroughEveryKeyOfAPrefix() {
    for (int i = 0; i < 25; i++) ok(px("put", String.format("ls:%02d", i), String.valueOf(i)));
    List<String> all = IntStream.range(0, 25).mapToObj(i -> String.format("ls:%02d", i)).toList();

    Cli.Result pages = px("ls", "ls:", "--page-size", "7");
    ok(pages);
    assertEquals(all, pages.out().lines().toList());
    assertEquals(
        all.subList(0, 10),
        px("ls", "ls:", "--limit", "10", "--page-size", "3").out().lines().toList());
    assertEquals("ls:00\t0\nls:01\t1\n", px("ls", "ls:", "--limit", "2", "-v").out());
    assertEquals(
        all.subList(5, 9),
        px("ls", "ls:", "--start", "ls:05", "--end", "ls:09").out().lines().toList());

    Cli.Result json = px("ls", "ls:", "--json", "--page-size", "10");
    ok(json);
    List<String> lines = json.out().lines().toList();
    assertEquals(25, lines.size());
    JsonObject first = new JsonObject(lines.get(0));
    assertEquals("ls:00", first.getString("key"));
    assertEquals(0, first.getInteger("value"));
    assertTrue(first.getLong("version") > 0);
    ok(px("ls", "no-such-prefix:"));
  }

  @Test
  @Order(5)
  void matchListsTheKeysOfAGlob() {
    Cli.Result teens = px("match", "ls:1?", "--page-size", "4");
    ok(teens);
    assertEquals(
        IntStream.range(10, 20)
            .mapToObj(i -> "ls:" + i)
            .collect(Collectors.joining("\n", "", "\n")),
        teens.out());
    assertEquals("ls:05\nls:15\n", px("match", "ls:[0-1]5").out());
    assertEquals(3, px("match", "ls:*4", "--json").out().lines().count());
    fails(px("match", "ls:[0-"), ExitCode.USAGE, "match", "glob");
  }

  @Test
  @Order(6)
  void clusterShowsEveryNode() {
    Cli.Result human = px("cluster");
    ok(human);
    assertTrue(human.out().contains("3 of 3 nodes up"), human.out());
    assertTrue(human.out().contains("settled"), human.out());
    for (String id : List.of("node-1", "node-2", "node-3")) {
      assertTrue(
          human.out().lines().anyMatch(l -> l.startsWith(id + "  ") && l.contains(" up ")),
          human.out());
    }
    Cli.Result json = px("cluster", "--json");
    ok(json);
    assertEquals(3, new JsonObject(json.out()).getJsonArray("nodes").size());
  }

  @Test
  @Order(7)
  void moveShowsASettledClusterAsDone() {
    Cli.Result human = px("move");
    ok(human);
    assertTrue(human.out().startsWith("phase: done"), human.out());
    assertEquals("done", new JsonObject(px("move", "--json").out()).getString("phase"));
    Cli.Result watch = px("move", "--watch", "--interval", "0.05");
    ok(watch);
    assertTrue(watch.out().startsWith("phase: done\nphase: done"), watch.out());
    Cli.Result watchJson = px("move", "--watch", "--json");
    ok(watchJson);
    assertEquals(1, watchJson.out().lines().count(), "one poll: it was done at once");
  }

  @Test
  @Order(8)
  void backupAndRestoreRoundTrip() throws Exception {
    Path backup = dir.resolve("cluster.jsonl");
    Cli.Result made = px("backup", backup.toString());
    ok(made);
    List<String> lines = Files.readAllLines(backup);
    assertTrue(lines.size() >= 26, made.toString());
    assertEquals(
        "backed up " + lines.size() + " keys (",
        made.out().substring(0, made.out().indexOf('(') + 1));
    assertFalse(Files.exists(dir.resolve("cluster.jsonl.partial")));
    fails(px("backup", backup.toString()), ExitCode.USAGE, "backup", "--force");
    ok(px("backup", backup.toString(), "--force"));

    Cli.Result json = px("backup", "-", "--json");
    assertEquals(0, json.code(), json.toString());
    assertEquals(lines.size(), json.out().lines().count(), "the export on stdout");
    assertEquals(lines.size(), new JsonObject(json.err().strip()).getInteger("keys"));

    // Onto another cluster, of another size: every pair arrives.
    try (TestCluster other = TestCluster.start(dir.resolve("other"), 1)) {
      Cli.Result restored = new Cli().run("restore", backup.toString(), "--url", other.url());
      ok(restored);
      assertEquals("restored " + lines.size() + " keys from " + backup + "\n", restored.out());
      Cli.Result listed = new Cli().run("ls", "--json", "--url", other.url());
      assertEquals(lines.size(), listed.out().lines().count(), listed.toString());
      assertEquals("12\n", new Cli().run("get", "ls:12", "--url", other.url()).out());
    }

    // Onto the same cluster after later writes and deletes: those stay.
    for (int i = 0; i < 25; i += 2) ok(px("del", String.format("ls:%02d", i)));
    ok(px("put", "ls:01", "\"newer than the backup\""));
    ok(px("restore", backup.toString()));
    assertEquals(12, px("ls", "ls:").out().lines().count(), "a later delete stays");
    assertEquals("\"newer than the backup\"\n", px("get", "ls:01").out(), "a later write stays");

    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"key\":\"good\",\"value\":1}\n{\"key\":\"\",\"value\":2}\n");
    fails(px("restore", bad.toString()), ExitCode.USAGE, "restore", "line 2");
    fails(
        px("restore", dir.resolve("absent.jsonl").toString()),
        ExitCode.USAGE,
        "restore",
        "does not exist");
  }

  @Test
  @Order(9)
  void progressBarsOnlyOnATerminalAndNeverWithJson() throws Exception {
    Path backup = dir.resolve("bar.jsonl");
    Cli.Result drawn = new Cli().terminal(true).run("backup", backup.toString(), "--url", url);
    assertEquals(0, drawn.code(), drawn.toString());
    assertTrue(drawn.err().contains("\rbackup [") && drawn.err().contains("%"), drawn.toString());
    Cli.Result restore = new Cli().terminal(true).run("restore", backup.toString(), "--url", url);
    assertEquals(0, restore.code(), restore.toString());
    assertTrue(restore.err().contains("\rrestore ["), restore.toString());

    Cli.Result json =
        new Cli()
            .terminal(true)
            .run("backup", backup.toString(), "--force", "--json", "--url", url);
    ok(json);
    Cli.Result piped = px("backup", backup.toString(), "--force");
    ok(piped);
  }

  @Test
  @Order(10)
  void badFlagsAndArgumentsAreOneLineAndExit2() {
    fails(px("get", "k", "--bogus"), ExitCode.USAGE, "get", "--bogus");
    fails(px("get"), ExitCode.USAGE, "get", "KEY");
    fails(px("get", "a", "b"), ExitCode.USAGE, "get", "b");
    fails(px("get", ""), ExitCode.USAGE, "get", "key must not be empty");
    fails(px("get", "k".repeat(1025)), ExitCode.USAGE, "get", "at most 1024");
    fails(px("get", "\ud800"), ExitCode.USAGE, "get", "surrogate");
    fails(px("ls", "--page-size", "0"), ExitCode.USAGE, "ls", "--page-size");
    fails(px("ls", "--page-size", "many"), ExitCode.USAGE, "ls", "many");
    fails(px("ls", "--limit", "0"), ExitCode.USAGE, "ls", "--limit");
    fails(px("move", "--interval", "0"), ExitCode.USAGE, "move", "--interval");
    fails(px("query", "price"), ExitCode.USAGE, "query", "give one of");
    fails(
        px("query", "price", "--min", "cheap"), ExitCode.USAGE, "query", "--min must be a number");
    fails(px("query", "price", "--min", "5", "--max", "1"), ExitCode.USAGE, "query", "above");
    fails(px("query", "emb", "--knn", "[\"a\"]"), ExitCode.USAGE, "query", "--knn");
    fails(new Cli().run("get", "k", "--url", "ftp://x"), ExitCode.USAGE, "get", "--url");
    fails(new Cli().run("get", "k", "--url", "http://h:1/path"), ExitCode.USAGE, "get", "--url");
  }

  @Test
  @Order(11)
  void helpNamesTheUrlVariableAndTheExitCodes() {
    for (String command : AdminCli.COMMANDS) {
      Cli.Result help = new Cli().run(command, "--help");
      assertEquals(0, help.code(), help.toString());
      assertTrue(help.out().contains("Usage: px-kvstore " + command), help.out());
      assertTrue(help.out().contains("PXKV_URL"), help.out());
      assertTrue(help.out().contains("Exit codes: 0 done, 1 not found, 2 bad"), help.out());
    }
    String query = new Cli().run("query", "--help").out().replaceAll("\\s+", " ");
    assertTrue(query.contains("Needs a router with indexes"), query);
  }

  @Test
  @Order(12)
  void theUrlComesFromPxkvUrlUnlessGiven() throws Exception {
    ok(px("put", "env", "1"));
    Cli.Result fromEnv = new Cli().env(Map.of("PXKV_URL", url)).run("get", "env");
    ok(fromEnv);
    assertEquals("1\n", fromEnv.out());
    Cli.Result flagWins =
        new Cli()
            .env(Map.of("PXKV_URL", "http://127.0.0.1:" + closedPort()))
            .run("get", "env", "--url", url);
    ok(flagWins);
  }

  @Test
  @Order(13)
  void queriesOfARouterWithoutIndexesAreNotFound() {
    fails(
        px("query", "price", "--min", "1", "--max", "5"),
        ExitCode.NOT_FOUND,
        "query",
        "queries need a router with indexes");
    fails(
        px("query", "emb", "--knn", "[0.1,0.2]"),
        ExitCode.NOT_FOUND,
        "query",
        "queries need a router with indexes");
  }

  @Test
  @Order(14)
  void aRouterThatIsDownIsExit3() throws Exception {
    String down = "http://127.0.0.1:" + closedPort();
    fails(
        new Cli().run("get", "k", "--url", down),
        ExitCode.FAILURE,
        "get",
        "cannot reach the router at " + down + " (connection refused)");
    fails(new Cli().run("cluster", "--url", down), ExitCode.FAILURE, "cluster", "cannot reach");
    fails(
        new Cli().run("move", "--watch", "--url", down), ExitCode.FAILURE, "move", "cannot reach");
    Path backup = dir.resolve("never.jsonl");
    fails(
        new Cli().run("backup", backup.toString(), "--url", down),
        ExitCode.FAILURE,
        "backup",
        "cannot reach");
    assertFalse(Files.exists(backup));
  }

  @Test
  @Order(15)
  void aNodeThatIsDownIsExit3AndLeavesNoBackup() throws Exception {
    for (int i = 0; i < 12; i++) ok(px("put", "down:" + i, "1"));
    cluster.stopNode(2);
    List<Integer> codes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Cli.Result r = px("get", "down:" + i);
      codes.add(r.code());
      if (r.code() != 0) fails(r, ExitCode.FAILURE, "get", "node-2");
    }
    assertTrue(codes.contains(0) && codes.contains(ExitCode.FAILURE), codes.toString());
    Cli.Result cluster = px("cluster");
    ok(cluster);
    assertTrue(cluster.out().contains("2 of 3 nodes up"), cluster.out());
    Path backup = dir.resolve("cut.jsonl");
    fails(px("backup", backup.toString()), ExitCode.FAILURE, "backup", "node-2");
    assertFalse(Files.exists(backup));
    assertFalse(Files.exists(dir.resolve("cut.jsonl.partial")));
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
