package io.pxkv.router.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.Cursors;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterCursorTest {
  @Test
  void aCursorCarriesTheLastKeyAndItsPrefixOpaquely() {
    RouterCursor cursor = new RouterCursor("user:\uD83D\uDE80 \"x\"", "user:");
    String encoded = cursor.encode();
    assertTrue(encoded.matches("[A-Za-z0-9_-]+"), encoded);
    assertEquals(cursor, RouterCursor.decode(encoded, "user:"));
    RouterCursor all = new RouterCursor("k", "");
    assertEquals(all, RouterCursor.decode(all.encode(), ""));
  }

  @Test
  void aCursorOfAnotherPrefixOrNotOursIsInvalid() {
    String userCursor = new RouterCursor("user:1", "user:").encode();
    KvException other =
        assertThrows(KvException.class, () -> RouterCursor.decode(userCursor, "admin:"));
    assertEquals(ErrorCode.INVALID_CURSOR, other.code());
    assertTrue(other.getMessage().contains("user:"), other.getMessage());
    for (String bad :
        List.of(
            "",
            "!!!",
            "bm90IGpzb24",
            Cursors.encode("[1]"),
            Cursors.encode("{\"n\":\"node-9\"}"),
            Cursors.encode("{\"a\":\"\"}"),
            Cursors.encode("{\"a\":7}"),
            Cursors.encode("{\"a\":\"k\",\"p\":1}"))) {
      assertEquals(
          ErrorCode.INVALID_CURSOR,
          assertThrows(KvException.class, () -> RouterCursor.decode(bad, "")).code(),
          bad);
    }
  }
}
