package io.pxkv.common.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import org.junit.jupiter.api.Test;

class KeyRulesTest {
  @Test
  void keysUpTo1024Utf8BytesAreAccepted() {
    assertEquals(1024, KeyRules.validate("x".repeat(1024)).length);
    // 256 four-byte emoji = 1024 bytes in 512 chars.
    assertEquals(1024, KeyRules.validate("\uD83D\uDE00".repeat(256)).length);
  }

  @Test
  void tooLongEmptyNullAndLoneSurrogateKeysAreInvalid() {
    for (String bad :
        new String[] {"x".repeat(1025), "\u00e9".repeat(513), "", null, "a\uD800b", "\uDC00"}) {
      KvException e = assertThrows(KvException.class, () -> KeyRules.validate(bad));
      assertEquals(ErrorCode.INVALID_KEY, e.code());
    }
  }
}
