package io.pxkv.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {
  private static final String GOOD =
      """
      {
        "virtualNodes": 128,
        "nodes": [
          {"id": "node-1", "url": "http://127.0.0.1:9001"},
          {"id": "node-2", "url": "http://127.0.0.1:9002"},
          {"id": "node-3", "url": "http://localhost:9003/"}
        ]
      }
      """;

  @Test
  void theContractExampleParses() {
    ClusterConfig config = ClusterConfig.fromJson(GOOD, "cluster.json");
    assertEquals(128, config.virtualNodes());
    assertEquals(3, config.nodes().size());
    assertEquals(NodeInfo.of("node-1", "127.0.0.1", 9001), config.nodes().get(0));
    assertEquals("http://localhost:9003", config.node("node-3").url());
  }

  @Test
  void virtualNodesDefaultsTo128() {
    ClusterConfig config =
        ClusterConfig.fromJson("{\"nodes\":[{\"id\":\"a\",\"url\":\"http://h:1\"}]}", "x");
    assertEquals(128, config.virtualNodes());
  }

  @Test
  void theShippedDefaultConfigIsValid() {
    Path shipped = Path.of("..", "config", "cluster.json");
    ClusterConfig config = ClusterConfig.load(shipped);
    assertEquals(
        List.of("node-1", "node-2", "node-3"), config.nodes().stream().map(NodeInfo::id).toList());
  }

  @Test
  void badJsonNamesTheFile() {
    ConfigException e = problemsOf("{\"nodes\": [", "conf/c.json");
    assertEquals("conf/c.json", e.source());
    assertTrue(e.getMessage().contains("conf/c.json"), e.getMessage());
    assertTrue(e.problems().get(0).startsWith("not a JSON object"), e.problems().toString());
  }

  @Test
  void aJsonArrayIsNotAConfig() {
    assertTrue(problemsOf("[1]", "f").problems().get(0).startsWith("not a JSON object"));
  }

  @Test
  void zeroNodesIsRefused() {
    assertEquals(
        List.of("nodes: must name at least one node (was empty)"),
        problemsOf("{\"nodes\":[]}", "f").problems());
  }

  @Test
  void missingNodesIsRefused() {
    assertTrue(problemsOf("{}", "f").problems().get(0).startsWith("nodes: is required"));
  }

  @Test
  void aMissingIdIsRefused() {
    assertEquals(
        List.of("nodes[0].id: is required"),
        problemsOf("{\"nodes\":[{\"url\":\"http://h:1\"}]}", "f").problems());
  }

  @Test
  void aDuplicateIdIsRefused() {
    String json =
        "{\"nodes\":[{\"id\":\"a\",\"url\":\"http://h:1\"},{\"id\":\"a\",\"url\":\"http://h:2\"}]}";
    assertEquals(
        List.of("nodes[1].id: duplicate of nodes[0].id (was \"a\")"),
        problemsOf(json, "f").problems());
  }

  @Test
  void twoNodesOnOneAddressAreRefused() {
    String json =
        "{\"nodes\":[{\"id\":\"a\",\"url\":\"http://h:1\"},{\"id\":\"b\",\"url\":\"http://H:1\"}]}";
    assertTrue(problemsOf(json, "f").problems().get(0).startsWith("nodes[1].url: same address"));
  }

  @Test
  void urlsThatAreNotHttpHostPortAreRefused() {
    for (String url :
        List.of(
            "ftp://h:1",
            "https://h",
            "http://h",
            "http://h:0",
            "http://h:70000",
            "http://h:1/kv",
            "http://h:1?x=1",
            "h:1",
            "http://:1",
            "not a url")) {
      String json = "{\"nodes\":[{\"id\":\"a\",\"url\":\"" + url + "\"}]}";
      assertEquals(
          List.of(
              "nodes[0].url: must be http://host:port or https://host:port (was \"" + url + "\")"),
          problemsOf(json, "f").problems(),
          url);
    }
  }

  @Test
  void anHttpsUrlIsANodeServedOverTls() throws Exception {
    ClusterConfig c =
        ClusterConfig.fromJson(
            "{\"nodes\":[{\"id\":\"a\",\"url\":\"https://h:1\"},{\"id\":\"b\",\"url\":\"http://h:2\"}]}",
            "f");
    assertTrue(c.nodes().get(0).tls());
    assertEquals("https://h:1", c.nodes().get(0).url());
    assertEquals(false, c.nodes().get(1).tls());
    assertEquals(c, ClusterConfig.fromJson(c.toJson().encode(), "again"));
  }

  @Test
  void virtualNodesOutOfRangeIsRefused() {
    for (String v : List.of("0", "4097", "-1", "1.5", "\"128\"")) {
      String json =
          "{\"virtualNodes\":" + v + ",\"nodes\":[{\"id\":\"a\",\"url\":\"http://h:1\"}]}";
      List<String> problems = problemsOf(json, "f").problems();
      assertEquals(1, problems.size(), v);
      assertTrue(problems.get(0).startsWith("virtualNodes: must be"), problems.get(0));
    }
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String json =
        """
        {"virtualNodes": 0, "nodes": [
          {"id": "a", "url": "ftp://h:1"},
          {"url": "http://h:2"},
          {"id": "a", "url": "http://h:3"},
          "node-4"
        ]}
        """;
    ConfigException e = problemsOf(json, "cluster.json");
    assertEquals(5, e.problems().size(), e.getMessage());
    assertTrue(
        e.getMessage().startsWith("5 problems in cluster.json\n  virtualNodes"), e.getMessage());
    assertTrue(e.oneLine().startsWith("cluster.json: virtualNodes"), e.oneLine());
  }

  @Test
  void aMissingFileIsOneProblemNamingIt(@TempDir Path dir) {
    Path missing = dir.resolve("nope.json");
    ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfig.load(missing));
    assertEquals(missing.toString() + ": file not found", e.oneLine());
  }

  @Test
  void aFileLoads(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.json");
    Files.writeString(file, GOOD);
    assertEquals(3, ClusterConfig.load(file).nodes().size());
  }

  private static ConfigException problemsOf(String json, String source) {
    return assertThrows(ConfigException.class, () -> ClusterConfig.fromJson(json, source));
  }
}
