package io.pxkv.router.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.Ttl;
import io.pxkv.router.client.NodeReply;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Taking a replica's {@code /internal/read} answer apart without parsing its value. */
class ReplicaReadTest {
  private static NodeReply live(String key, String value, long version, long writer, String tail) {
    Buffer body =
        Buffer.buffer("{\"key\":")
            .appendBytes(KvJson.quote(key))
            .appendString(",\"value\":")
            .appendBytes(value.getBytes(StandardCharsets.UTF_8))
            .appendString(",\"version\":" + version + ",\"writer\":" + writer + tail + "}");
    return new NodeReply(200, "application/json", body);
  }

  @Test
  void aLiveAnswerGivesTheValueBytesVersionAndWriterEvenWhenTheValueLooksLikeTheEnd() {
    String value = "{\"x\":\",\\\"version\\\":1,\\\"writer\\\":2}\",\"emoji\":\"\uD83D\uDE00\"}";
    String key = "k \u00e9/\uD83D\uDE00?";
    ReplicaRead r = ReplicaRead.of(key, live(key, value, 1764156000123456L, 4294967295L, ""));
    assertEquals(ReplicaRead.State.LIVE, r.state());
    assertEquals(1764156000123456L, r.version());
    assertEquals(-1, r.writer(), "an unsigned writer keeps its 32 bits");
    assertArrayEquals(value.getBytes(StandardCharsets.UTF_8), r.value());
    assertEquals(0, r.expiresAt());
  }

  @Test
  void anExpiringValueCarriesItsExpiry() {
    long at = 1_800_000_000_250L;
    ReplicaRead r =
        ReplicaRead.of("t", live("t", "[1,2]", 7, 9, ",\"expiresAt\":\"" + Ttl.format(at) + "\""));
    assertEquals(at, r.expiresAt());
    assertArrayEquals("[1,2]".getBytes(StandardCharsets.UTF_8), r.value());
  }

  @Test
  void aTombstoneAndAbsenceAreTold() {
    Buffer deleted =
        Buffer.buffer(
            "{\"error\":\"not_found\",\"message\":\"m \\\"deleted\\\":true\",\"deleted\":true,"
                + "\"version\":12,\"writer\":3}");
    ReplicaRead d = ReplicaRead.of("k", new NodeReply(404, "application/json", deleted));
    assertEquals(ReplicaRead.State.DELETED, d.state());
    assertEquals(12, d.version());
    Buffer nothing = Buffer.buffer("{\"error\":\"not_found\",\"message\":\"m\"}");
    ReplicaRead none = ReplicaRead.of("k", new NodeReply(404, "application/json", nothing));
    assertEquals(ReplicaRead.State.ABSENT, none.state());
    assertTrue(d.newerThan(none));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReplicaRead.of("k", new NodeReply(500, "application/json", Buffer.buffer("{}"))));
  }

  @Test
  void newerIsByVersionThenUnsignedWriter() {
    ReplicaRead a = new ReplicaRead(ReplicaRead.State.LIVE, 5, 1, new byte[0], 0);
    ReplicaRead b = new ReplicaRead(ReplicaRead.State.DELETED, 5, -1, null, 0);
    assertTrue(b.newerThan(a), "writer 0xffffffff is above 1");
    assertFalse(a.newerThan(b));
    assertTrue(a.newerThan(ReplicaRead.ABSENT));
  }
}
