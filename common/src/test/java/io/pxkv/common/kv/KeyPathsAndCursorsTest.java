package io.pxkv.common.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import org.junit.jupiter.api.Test;

class KeyPathsAndCursorsTest {
  @Test
  void pathKeysArePercentDecodedAsUtf8AndPlusStaysAPlus() {
    assertEquals("a b/c?d%e+f", KeyPaths.keyOf("/kv/a%20b%2Fc%3Fd%25e+f"));
    assertEquals("\uD83D\uDE00", KeyPaths.keyOf("/kv/%F0%9F%98%80"));
    assertEquals("caf\u00e9", KeyPaths.keyOf("/kv/caf\u00e9"));
  }

  @Test
  void badEscapesAndBadUtf8AreInvalidKeys() {
    for (String bad : new String[] {"/kv/%", "/kv/%2", "/kv/%zz", "/kv/%C3", "/kv/%FF", "/kv/"}) {
      assertEquals(
          ErrorCode.INVALID_KEY, assertThrows(KvException.class, () -> KeyPaths.keyOf(bad)).code());
    }
  }

  @Test
  void cursorsRoundTripAndForeignOnesAreRejected() {
    assertEquals("key \uD83D\uDE00/x", Cursors.decode(Cursors.encode("key \uD83D\uDE00/x")));
    for (String bad : new String[] {"", "!!!", "_w"}) {
      assertEquals(
          ErrorCode.INVALID_CURSOR,
          assertThrows(KvException.class, () -> Cursors.decode(bad)).code());
    }
  }

  @Test
  void limitDefaultsTo100AndMustBe1To1000() {
    assertEquals(100, Cursors.parseLimit(null));
    assertEquals(1000, Cursors.parseLimit("1000"));
    for (String bad : new String[] {"0", "1001", "-5", "ten", ""}) {
      assertEquals(
          ErrorCode.INVALID_LIMIT,
          assertThrows(KvException.class, () -> Cursors.parseLimit(bad)).code());
    }
  }
}
