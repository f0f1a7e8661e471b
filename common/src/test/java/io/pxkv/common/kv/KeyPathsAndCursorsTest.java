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
    // Unescaped bytes arrive one character per byte (ISO-8859-1): raw UTF-8 C3 A9 is
    // "\u00c3\u00a9".
    assertEquals("caf\u00e9", KeyPaths.keyOf("/kv/caf\u00c3\u00a9"));
    assertEquals("a\uD83D\uDE00b", KeyPaths.keyOf("/kv/a\u00f0\u009f\u0098\u0080b"));
  }

  @Test
  void invalidUtf8InAPathIsAnInvalidKeyEscapedOrNot() {
    for (String bad :
        new String[] {
          "/kv/a%C0%AF", // overlong '/'
          "/kv/a\u00c0\u00af",
          "/kv/a%E0%80%AF",
          "/kv/a%F0%80%80%AF",
          "/kv/a%ED%A0%80", // U+D800
          "/kv/a\u00ed\u00a0\u0080",
          "/kv/a%F4%90%80%80", // U+110000
          "/kv/a%E2%82", // truncated
          "/kv/a\u00e2\u0082z",
          "/kv/a%80",
          "/kv/a\u00ff",
          "/kv/caf\u00e9", // a lone E9 byte
          "/kv/\u20ac" // a character that cannot have come from the wire
        }) {
      KvException e = assertThrows(KvException.class, () -> KeyPaths.keyOf(bad), bad);
      assertEquals(ErrorCode.INVALID_KEY, e.code(), bad);
    }
  }

  @Test
  void queryValuesDecodePlusAsASpaceAndAreJustAsStrict() {
    assertEquals("a b+c", KeyPaths.decodeQueryValue("a+b%2Bc", "key"));
    assertEquals("caf\u00e9", KeyPaths.decodeQueryValue("caf%C3%A9", "key"));
    assertEquals("caf\u00e9", KeyPaths.decodeQueryValue("caf\u00c3\u00a9", "key"));
    KvException e =
        assertThrows(KvException.class, () -> KeyPaths.decodeQueryValue("a%C0%AF", "key"));
    assertEquals(ErrorCode.INVALID_KEY, e.code());
    assertEquals(
        "query parameter 'key' is not well-formed UTF-8 (byte 0xC0 at offset 1)", e.getMessage());
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
