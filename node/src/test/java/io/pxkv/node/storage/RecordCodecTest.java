package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.storage.RecordCodec.CorruptRecordException;
import io.pxkv.node.storage.RecordCodec.Record;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

  @Test
  void putRecordRoundTrips() throws Exception {
    byte[] bytes = RecordCodec.encode(utf8("k\u00e9y/\uD83D\uDE00"), utf8("{\"a\":1}"), 42L);
    Record r = RecordCodec.decode(ByteBuffer.wrap(bytes));
    assertEquals("k\u00e9y/\uD83D\uDE00", r.key());
    assertArrayEquals(utf8("{\"a\":1}"), r.value());
    assertEquals(42L, r.version());
    assertEquals(RecordCodec.size(utf8("k\u00e9y/\uD83D\uDE00"), utf8("{\"a\":1}")), bytes.length);
  }

  @Test
  void tombstoneRoundTripsWithoutValue() throws Exception {
    byte[] bytes = RecordCodec.encode(utf8("gone"), null, 7L);
    assertEquals(RecordCodec.HEADER_BYTES + 4, bytes.length);
    Record r = RecordCodec.decode(ByteBuffer.wrap(bytes));
    assertTrue(r.tombstone());
    assertNull(r.value());
    assertEquals(7L, r.version());
  }

  @Test
  void emptyValueIsNotATombstone() throws Exception {
    Record r = RecordCodec.decode(ByteBuffer.wrap(RecordCodec.encode(utf8("k"), new byte[0], 1)));
    assertArrayEquals(new byte[0], r.value());
  }

  @Test
  void everySingleFlippedByteIsDetected() {
    byte[] good = RecordCodec.encode(utf8("user:1"), utf8("\"alice\""), 1_700_000_000_000_001L);
    for (int i = 0; i < good.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        int at = i;
        assertThrows(
            CorruptRecordException.class,
            () -> RecordCodec.decode(ByteBuffer.wrap(bad)),
            () -> "flip of bit " + at + "." + " went unnoticed");
      }
    }
  }

  @Test
  void truncatedRecordIsDetected() {
    byte[] good = RecordCodec.encode(utf8("k"), utf8("12345"), 3);
    for (int n = 0; n < good.length; n++) {
      ByteBuffer cut = ByteBuffer.wrap(good, 0, n);
      assertThrows(CorruptRecordException.class, () -> RecordCodec.decode(cut));
    }
  }

  @Test
  void layoutMatchesTheDocumentedExample() {
    // The worked example of docs/STORAGE.md: key "user:1", value "alice" as JSON, version 1.
    byte[] bytes = RecordCodec.encode(utf8("user:1"), utf8("\"alice\""), 1L);
    assertEquals(
        "42041707"
            + "0000000000000001"
            + "00000006"
            + "00000007"
            + "757365723a31"
            + "22616c69636522",
        HexFormat.of().formatHex(bytes));
  }
}
