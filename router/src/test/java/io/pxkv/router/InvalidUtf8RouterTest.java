package io.pxkv.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.node.NodeConfig;
import io.pxkv.node.NodeServer;
import io.pxkv.node.storage.SyncMode;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes that are not UTF-8 in a key, a value or a path, sent to a router in front of two real
 * nodes: every call is a 400, from the router itself where it reads the key, and nothing is stored
 * on any node. Before, {@code PUT /kv {"key":"a\xC0\xAF",...}} was a 201 storing the key {@code
 * a/}.
 */
class InvalidUtf8RouterTest {
  private static final long WAIT_S = 30;

  /** One of each kind of flaw; the node's own test goes through every form. */
  private static final Map<String, byte[]> INVALID =
      Map.of(
          "overlong '/'", b(0xC0, 0xAF),
          "overlong 3-byte '/'", b(0xE0, 0x80, 0xAF),
          "surrogate U+D800", b(0xED, 0xA0, 0x80),
          "U+110000", b(0xF4, 0x90, 0x80, 0x80),
          "truncated", b(0xE2, 0x82),
          "stray continuation", b(0x80),
          "byte FF", b(0xFF));

  @TempDir static Path dir;
  static final List<Vertx> vertxes = new ArrayList<>();
  static final List<NodeServer> nodes = new ArrayList<>();
  static RunningRouter router;

  @BeforeAll
  static void startCluster() throws Exception {
    List<NodeInfo> infos = new ArrayList<>();
    for (String id : List.of("node-1", "node-2")) {
      NodeConfig defaults = NodeConfig.forTest(id, dir.resolve(id));
      NodeConfig config = defaults.withStorage(defaults.storage().withSyncMode(SyncMode.NEVER));
      // One Vert.x each: two servers on port 0 in one Vert.x share a port and split its requests.
      NodeServer node = NodeServer.start(started(), config).await(WAIT_S, TimeUnit.SECONDS);
      nodes.add(node);
      infos.add(NodeInfo.of(id, "127.0.0.1", node.port()));
    }
    RouterConfig config = RouterConfig.of(new ClusterConfig(128, infos), 0);
    router = RunningRouter.start(started(), config).await(WAIT_S, TimeUnit.SECONDS);
    assertEquals(2, nodes.stream().map(NodeServer::port).distinct().count(), "two ports");
  }

  private static Vertx started() {
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    return vertx;
  }

  @AfterAll
  static void stopCluster() throws Exception {
    router.close().await(WAIT_S, TimeUnit.SECONDS);
    for (Vertx vertx : vertxes) vertx.close().await(WAIT_S, TimeUnit.SECONDS);
  }

  @AfterEach
  void nothingWasStored() {
    assertEquals(List.of("{}", "{}"), everyNodesKeys());
  }

  @Test
  void aBodyWithInvalidUtf8AnywhereIsInvalidJson() {
    expectEach(
        "invalid_json",
        bad ->
            List.of(
                send("PUT", "/kv", bytes("{\"key\":\"a", bad, "\",\"value\":1}")),
                send("PUT", "/kv", bytes("{\"key\":\"k\",\"value\":\"a", bad, "\"}")),
                send("PUT", "/kv", bytes("{\"key\":\"k\",\"value\":{\"a", bad, "\":1}}")),
                send("PUT", "/kv/k", bytes("\"a", bad, "\"")),
                send("DELETE", "/kv", bytes("{\"key\":\"a", bad, "\"}")),
                send("GET", "/kv", bytes("{\"key\":\"a", bad, "\"}")),
                send("POST", "/admin/import", bytes("{\"key\":\"a", bad, "\",\"value\":1}\n")),
                send("POST", "/admin/import", bytes("{\"key\":\"k\",\"value\":\"a", bad, "\"}"))));
  }

  @Test
  void aKeyWithInvalidUtf8InThePathOrQueryIsAnInvalidKey() {
    expectEach(
        "invalid_key",
        bad ->
            List.of(
                send("PUT", "/kv/a" + percentEncoded(bad), ascii("1")),
                send(router.port(), "PUT", bytes("/kv/a", bad, "z"), ascii("1")),
                send("GET", "/kv/a" + percentEncoded(bad), null),
                send(router.port(), "GET", bytes("/kv/a", bad, ""), null),
                send("GET", "/kv?key=a" + percentEncoded(bad), null),
                send(router.port(), "GET", bytes("/kv?key=a", bad, ""), null),
                send("DELETE", "/kv?key=a" + percentEncoded(bad), null),
                send("DELETE", "/kv/a" + percentEncoded(bad), null)));
  }

  @Test
  void rawUtf8InAPathOrQueryIsTheKeyItSpells() {
    String key = "caf\u00e9\uD83D\uDE00";
    byte[] raw = key.getBytes(StandardCharsets.UTF_8);
    Answer put = send(router.port(), "PUT", bytes("/kv/", raw, ""), ascii("1"));
    assertEquals(201, put.status(), put.body());
    assertEquals(key, new JsonObject(put.body()).getString("key"));
    Answer escaped = send("GET", "/kv?key=caf%C3%A9%F0%9F%98%80", null);
    assertEquals(200, escaped.status(), escaped.body());
    Answer get = send(router.port(), "GET", bytes("/kv?key=", raw, ""), null);
    assertEquals(200, get.status(), () -> get.body() + "; the nodes hold " + everyNodesKeys());
    assertEquals(key, new JsonObject(get.body()).getString("key"));
    Answer deleted = send(router.port(), "DELETE", bytes("/kv/", raw, ""), null);
    assertEquals(200, deleted.status(), deleted.body());
  }

  private static List<String> everyNodesKeys() {
    return nodes.stream().map(n -> send(n.port(), "GET", ascii("/kv"), null).body()).toList();
  }

  /** Every request {@code requestsFor} builds for each invalid sequence must be this 400. */
  private static void expectEach(String code, Function<byte[], List<Answer>> requestsFor) {
    List<String> wrong = new ArrayList<>();
    INVALID.forEach(
        (flaw, bad) -> {
          List<Answer> answers = requestsFor.apply(bad);
          for (int i = 0; i < answers.size(); i++) {
            Answer a = answers.get(i);
            boolean right =
                a.status() == 400
                    && a.body().startsWith("{")
                    && code.equals(new JsonObject(a.body()).getString("error"));
            if (!right) wrong.add(flaw + ", request " + i + ": " + a.status() + " " + a.body());
          }
        });
    assertTrue(
        wrong.isEmpty(), () -> wrong.size() + " answers were wrong:\n" + String.join("\n", wrong));
  }

  private record Answer(int status, String body) {}

  private static Answer send(String method, String target, byte[] body) {
    return send(router.port(), method, ascii(target), body);
  }

  /**
   * HTTP/1.1 by hand, since no ordinary client sends invalid UTF-8 in a request line; {@code
   * Connection: close}, so the answer is read to the end. A chunked answer keeps its chunk framing.
   */
  private static Answer send(int port, String method, byte[] target, byte[] body) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_S));
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(ascii(method + " "));
      request.writeBytes(target);
      request.writeBytes(ascii(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"));
      if (body != null) request.writeBytes(ascii("Content-Length: " + body.length + "\r\n"));
      request.writeBytes(ascii("\r\n"));
      if (body != null) request.writeBytes(body);
      socket.getOutputStream().write(request.toByteArray());
      // ISO-8859-1 keeps one char per byte, so chunk sizes count chars; the body is UTF-8.
      String response =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      int headEnd = response.indexOf("\r\n\r\n");
      assertTrue(response.startsWith("HTTP/1.1 ") && headEnd > 0, response);
      String head = response.substring(0, headEnd).toLowerCase();
      String rest = response.substring(headEnd + 4);
      if (head.contains("transfer-encoding: chunked")) rest = unchunk(rest);
      String text = new String(rest.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
      return new Answer(Integer.parseInt(response.substring(9, 12)), text);
    } catch (IOException e) {
      throw new RuntimeException(method + " failed: " + e, e);
    }
  }

  /** The data of a chunked body. */
  private static String unchunk(String chunked) {
    StringBuilder data = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
      if (size == 0) return data.toString();
      data.append(chunked, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }

  private static byte[] bytes(String prefix, byte[] raw, String suffix) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(raw);
    out.writeBytes(suffix.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static String percentEncoded(byte[] raw) {
    StringBuilder s = new StringBuilder();
    for (byte x : raw) s.append(String.format("%%%02X", x & 0xff));
    return s.toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] b(int... bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) out[i] = (byte) bytes[i];
    return out;
  }
}
