package io.pxkv.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import org.junit.jupiter.api.Test;

/** {@link Requests#strictParam}: the {@code key} parameter as Vert.x finds it, decoded strictly. */
class RequestsTest {
  @Test
  void theFirstKeyParameterIsFoundAmongOthers() {
    assertEquals("user:1", Requests.strictParam("key=user:1", "key"));
    assertEquals("a b", Requests.strictParam("limit=5&key=a+b&key=second", "key"));
    assertEquals("x", Requests.strictParam("prefix=p;key=x", "key"));
    assertEquals("a=b", Requests.strictParam("key=a=b", "key"));
    assertEquals("", Requests.strictParam("key", "key"));
    assertEquals("", Requests.strictParam("a=1&key=&b=2", "key"));
    assertEquals("v", Requests.strictParam("keys=no&akey=no&key=v", "key"));
  }

  @Test
  void aQueryWithoutTheParameterHasNone() {
    assertNull(Requests.strictParam(null, "key"));
    assertNull(Requests.strictParam("", "key"));
    assertNull(Requests.strictParam("prefix=key=x&limit=3", "key"));
    assertNull(Requests.strictParam("keys=1&&", "key"));
  }

  @Test
  void invalidUtf8OrABadEscapeIsAnInvalidKey() {
    for (String query : new String[] {"key=a%C0%AF", "key=a%ED%A0%80", "key=%E2%82", "key=%zz"}) {
      KvException e =
          assertThrows(KvException.class, () -> Requests.strictParam(query, "key"), query);
      assertEquals(ErrorCode.INVALID_KEY, e.code(), query);
    }
  }
}
