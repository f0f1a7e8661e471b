package io.pxkv.node.http;

import static io.pxkv.node.RawHttp.bytes;
import static io.pxkv.node.RawHttp.percentEncoded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.PutBatch;
import io.pxkv.node.RawHttp;
import io.pxkv.node.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes that are not UTF-8 (overlong forms, encoded surrogates, code points past U+10FFFF,
 * truncated sequences, stray continuation bytes, bytes that never occur) in a key, a value or a
 * path: every way into a node refuses them with a 400 and stores nothing. Before, {@code
 * {"key":"a\xC0\xAF"}} was stored under the key {@code a/}.
 */
class InvalidUtf8ApiTest {
  /** Each names the flaw; each follows an {@code a} and is followed by more text or the end. */
  static final Map<String, byte[]> INVALID =
      Map.ofEntries(
          Map.entry("overlong 2-byte '/'", b(0xC0, 0xAF)),
          Map.entry("overlong 2-byte U+007F", b(0xC1, 0xBF)),
          Map.entry("overlong 3-byte '/'", b(0xE0, 0x80, 0xAF)),
          Map.entry("overlong 3-byte U+07FF", b(0xE0, 0x9F, 0xBF)),
          Map.entry("overlong 4-byte '/'", b(0xF0, 0x80, 0x80, 0xAF)),
          Map.entry("overlong 4-byte U+FFFF", b(0xF0, 0x8F, 0xBF, 0xBF)),
          Map.entry("5-byte form", b(0xF8, 0x88, 0x80, 0x80, 0x80)),
          Map.entry("6-byte overlong '/'", b(0xFC, 0x80, 0x80, 0x80, 0x80, 0xAF)),
          Map.entry("surrogate U+D800", b(0xED, 0xA0, 0x80)),
          Map.entry("surrogate U+DFFF", b(0xED, 0xBF, 0xBF)),
          Map.entry("surrogate pair (CESU-8)", b(0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80)),
          Map.entry("U+110000", b(0xF4, 0x90, 0x80, 0x80)),
          Map.entry("F5 lead byte", b(0xF5, 0x80, 0x80, 0x80)),
          Map.entry("F7 BF BF BF", b(0xF7, 0xBF, 0xBF, 0xBF)),
          Map.entry("truncated 2 of 3", b(0xE2, 0x82)),
          Map.entry("truncated 3 of 4", b(0xF0, 0x9F, 0x98)),
          Map.entry("lone lead C3", b(0xC3)),
          Map.entry("stray continuation 80", b(0x80)),
          Map.entry("stray continuation BF", b(0xBF)),
          Map.entry("byte FE", b(0xFE)),
          Map.entry("byte FF", b(0xFF)));

  @TempDir static Path dataDir;
  static TestNode node;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start("node-u", dataDir, 4096);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  @AfterEach
  void nothingWasStored() {
    assertEquals("{}", node.client().get("/kv").body());
  }

  @Test
  void aBodyWithInvalidUtf8AnywhereIsInvalidJson() {
    expectEach(
        400,
        "invalid_json",
        bad ->
            List.of(
                put("/kv", bytes("{\"key\":\"a", bad, "\",\"value\":1}")),
                put("/kv", bytes("{\"key\":\"k\",\"value\":\"a", bad, "\"}")),
                put("/kv", bytes("{\"key\":\"k\",\"value\":{\"a", bad, "\":1}}")),
                put("/kv", bytes("{\"key\":\"k\",\"value\":[\"x\",\"a", bad, "z\"]}")),
                put("/kv/k", bytes("\"a", bad, "\"")),
                put("/kv/k", bytes("{\"a", bad, "\":1}")),
                put("/kv/k", bytes("[\"\u00e9\",\"a", bad, "\"]")),
                send("DELETE", "/kv", bytes("{\"key\":\"a", bad, "\"}")),
                send("GET", "/kv", bytes("{\"key\":\"a", bad, "\"}"))));
  }

  @Test
  void aKeyWithInvalidUtf8InThePathOrQueryIsAnInvalidKey() {
    expectEach(
        400,
        "invalid_key",
        bad ->
            List.of(
                put("/kv/a" + percentEncoded(bad), utf8("1")),
                put(bytes("/kv/a", bad, ""), utf8("1")),
                put(bytes("/kv/a", bad, "z"), utf8("1")),
                send("GET", "/kv/a" + percentEncoded(bad) + "z", null),
                send("GET", bytes("/kv/a", bad, ""), null),
                send("GET", "/kv?key=a" + percentEncoded(bad), null),
                send("GET", bytes("/kv?key=a", bad, ""), null),
                send("DELETE", "/kv?key=a" + percentEncoded(bad), null),
                send("DELETE", "/kv/a" + percentEncoded(bad), null)));
  }

  @Test
  void importAndInternalLinesWithInvalidUtf8AreRefused() {
    expectEach(
        400,
        "invalid_json",
        bad ->
            List.of(
                post("/admin/import", bytes("{\"key\":\"a", bad, "\",\"value\":1}\n")),
                post("/admin/import", bytes("{\"key\":\"k\",\"value\":\"a", bad, "\"}\n")),
                post(
                    "/internal/import",
                    bytes("{\"key\":\"a", bad, "\",\"value\":1,\"version\":5}\n")),
                post(
                    "/internal/import",
                    bytes("{\"key\":\"k\",\"value\":\"a", bad, "\",\"version\":5}\n")),
                post("/internal/handoff", bytes("{\"key\":\"a", bad, "\",\"version\":5}\n")),
                post("/internal/tombstone", bytes("{\"key\":\"a", bad, "\"}"))));
  }

  @Test
  void putBatchEntriesWithInvalidUtf8GetTheErrorOfThatPutAlone() {
    expectEach(
        400,
        "invalid_json",
        bad -> {
          Buffer batch = Buffer.buffer();
          PutBatch.appendEntry(
              batch, PutBatch.Form.PATH, utf8("k"), Buffer.buffer(bytes("\"a", bad, "\"")));
          PutBatch.appendEntry(
              batch,
              PutBatch.Form.BODY,
              utf8("k"),
              Buffer.buffer(bytes("{\"key\":\"a", bad, "\",\"value\":1}")));
          PutBatch.appendEntry(
              batch,
              PutBatch.Form.BODY,
              utf8("k"),
              Buffer.buffer(bytes("{\"key\":\"k\",\"value\":\"a", bad, "\"}")));
          RawHttp.Answer answer = post(PutBatch.PATH, batch.getBytes());
          assertEquals(200, answer.status(), answer.body());
          return PutBatch.decodeAnswers(Buffer.buffer(answer.bytes()), 3).stream()
              .map(a -> new RawHttp.Answer(a.status(), a.body().getBytes()))
              .toList();
        });
    expectEach(
        400,
        "invalid_request",
        bad -> {
          Buffer batch = Buffer.buffer();
          PutBatch.appendEntry(
              batch, PutBatch.Form.PATH, bytes("a", bad, ""), Buffer.buffer(utf8("1")));
          return List.of(post(PutBatch.PATH, batch.getBytes()));
        });
  }

  /** Sends every request {@code requestsFor} builds for each invalid sequence; all must fail. */
  private static void expectEach(
      int status, String code, Function<byte[], List<RawHttp.Answer>> requestsFor) {
    List<String> wrong = new ArrayList<>();
    INVALID.forEach(
        (flaw, bad) -> {
          List<RawHttp.Answer> answers = requestsFor.apply(bad);
          for (int i = 0; i < answers.size(); i++) {
            RawHttp.Answer a = answers.get(i);
            boolean right =
                a.status() == status
                    && a.body().startsWith("{")
                    && code.equals(new JsonObject(a.body()).getString("error"));
            if (!right) wrong.add(flaw + ", request " + i + ": " + a.status() + " " + a.body());
          }
        });
    assertTrue(wrong.isEmpty(), () -> wrong.size() + " answers were wrong:\n" + lines(wrong));
  }

  private static String lines(List<String> wrong) {
    return String.join("\n", wrong);
  }

  private static RawHttp.Answer put(String target, byte[] body) {
    return send("PUT", target, body);
  }

  private static RawHttp.Answer put(byte[] target, byte[] body) {
    return RawHttp.send(node.port(), "PUT", target, body);
  }

  private static RawHttp.Answer post(String target, byte[] body) {
    return send("POST", target, body);
  }

  private static RawHttp.Answer send(String method, String target, byte[] body) {
    return RawHttp.send(node.port(), method, utf8(target), body);
  }

  private static RawHttp.Answer send(String method, byte[] target, byte[] body) {
    return RawHttp.send(node.port(), method, target, body);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] b(int... bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) out[i] = (byte) bytes[i];
    return out;
  }
}
