package io.pxkv.bench.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PreloadTest {
  @Test
  void etcdGetsTheKeyAndTheSameValueBytesBase64Encoded() {
    JsonObject body = new JsonObject(Preload.etcdPut("bench-12", Preload.value(12)));
    assertEquals("YmVuY2gtMTI=", body.getString("key"));
    assertEquals(
        Preload.value(12),
        new String(Base64.getDecoder().decode(body.getString("value")), StandardCharsets.UTF_8));
    assertEquals("eyJuIjoxMiwicyI6ImJlbmNoLXZhbHVlIn0=", body.getString("value"));
  }
}
