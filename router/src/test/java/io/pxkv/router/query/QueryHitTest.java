package io.pxkv.router.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryHitTest {
  private static String line(String value, boolean withLength) {
    String length =
        withLength ? ",\"valueBytes\":" + value.getBytes(StandardCharsets.UTF_8).length : "";
    return "{\"key\":\"k\",\"version\":7,\"writer\":3,\"score\":0.5"
        + length
        + ",\"value\":"
        + value
        + "}";
  }

  @Test
  void aValueNamedByItsLengthIsCutOutAsTheNodeSentIt() {
    String value = "{\"v\":[1.0, 2.5e3,-0.125],\"s\":\"}\\\"\",\"é\":null}";
    List<QueryHit> hits = QueryHit.parseAll(Buffer.buffer(line(value, true) + "\n"));
    assertEquals(1, hits.size());
    QueryHit h = hits.get(0);
    assertEquals(value, h.value().toString(StandardCharsets.UTF_8));
    assertEquals("k", h.key());
    assertEquals(7, h.version());
    assertEquals(3, h.writer());
    assertEquals(0.5f, h.score());
  }

  @Test
  void aLineWithoutTheLengthIsParsedWhole() {
    String value = "[1,2,{\"a\":\"]\"}]";
    List<QueryHit> hits =
        QueryHit.parseAll(Buffer.buffer(line("7", false) + "\n" + line(value, false)));
    assertEquals(2, hits.size());
    assertEquals("7", hits.get(0).value().toString());
    assertEquals(value, hits.get(1).value().toString());
  }

  @Test
  void eachLineOfSeveralIsCutFromItsOwnPlace() {
    String a = "[0.1,0.2]";
    String b = "\"text\"";
    List<QueryHit> hits =
        QueryHit.parseAll(Buffer.buffer(line(a, true) + "\n" + line(b, true) + "\n"));
    assertEquals(a, hits.get(0).value().toString());
    assertEquals(b, hits.get(1).value().toString());
  }

  @Test
  void aLengthThatDoesNotEndTheLineIsRefused() {
    String ok = line("[1,2,3]", true);
    for (String bad :
        List.of(
            ok.replace("\"valueBytes\":7", "\"valueBytes\":6"),
            ok.replace("\"valueBytes\":7", "\"valueBytes\":8"),
            ok.replace("\"valueBytes\":7", "\"valueBytes\":900"),
            ok + "x")) {
      assertThrows(IllegalArgumentException.class, () -> QueryHit.parseAll(Buffer.buffer(bad)));
    }
  }
}
