package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.storage.RecordCodec.CorruptRecordException;
import io.pxkv.node.storage.RecordCodec.Record;
import io.pxkv.node.storage.RecordCodec.UnsupportedRecordException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  private static final int NODE_1 = WriteOrder.writerIdOf("node-1");

  /** An expiry field: 2025-11-26T12:20:00.345Z. */
  private static final byte[] EXPIRY = ByteBuffer.allocate(8).putLong(1764159600345L).array();

  private static Record decode(byte[] bytes) throws Exception {
    return RecordCodec.decode(ByteBuffer.wrap(bytes), RecordCodec.FORMAT_2);
  }

  @Test
  void putRecordRoundTrips() throws Exception {
    byte[] key = utf8("k\u00e9y/\uD83D\uDE00");
    byte[] bytes = RecordCodec.encode(RecordKind.PUT, 7, 42L, 0xef7260a1, key, utf8("{\"a\":1}"));
    Record r = decode(bytes);
    assertEquals(RecordKind.PUT, r.kind());
    assertEquals("k\u00e9y/\uD83D\uDE00", r.key());
    assertArrayEquals(utf8("{\"a\":1}"), r.value());
    assertEquals(7, r.seq());
    assertEquals(42L, r.version());
    assertEquals(0xef7260a1, r.writer(), "the writer's 32 bits, the top one included");
    assertEquals(RecordCodec.size(key, utf8("{\"a\":1}")), bytes.length);
  }

  @Test
  void deleteAndHandoffRoundTripWithoutValue() throws Exception {
    for (RecordKind kind : new RecordKind[] {RecordKind.DELETE, RecordKind.HANDOFF}) {
      byte[] bytes = RecordCodec.encode(kind, 3, 7L, 5, utf8("gone"), null);
      assertEquals(RecordCodec.HEADER_BYTES + 4, bytes.length);
      Record r = decode(bytes);
      assertEquals(kind, r.kind());
      assertNull(r.value());
      assertEquals(7L, r.version());
    }
  }

  @Test
  void emptyValueIsAPutNotATombstone() throws Exception {
    Record r = decode(RecordCodec.encode(RecordKind.PUT, 1, 1, 0, utf8("k"), new byte[0]));
    assertEquals(RecordKind.PUT, r.kind());
    assertArrayEquals(new byte[0], r.value());
  }

  @Test
  void everySingleFlippedBitIsDetectedAsCorruption() {
    byte[] plain =
        RecordCodec.encode(
            RecordKind.PUT, 9, 1_700_000_000_000_001L, NODE_1, utf8("user:1"), utf8("\"alice\""));
    byte[] expiring =
        RecordCodec.encode(
            RecordKind.PUT, 9, 1, NODE_1, utf8("user:1"), utf8("\"alice\""), 1764159600345L);
    for (byte[] good : new byte[][] {plain, expiring}) flipEveryBit(good);
  }

  private static void flipEveryBit(byte[] good) {
    for (int i = 0; i < good.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        int at = i;
        int b = bit;
        // Also a flipped kind or flag bit: the CRC fails before the kind is looked at.
        assertThrows(
            CorruptRecordException.class,
            () -> decode(bad),
            () -> "flip of bit " + b + " of byte " + at + " went unnoticed");
      }
    }
  }

  @Test
  void truncatedRecordIsDetected() {
    byte[] good = RecordCodec.encode(RecordKind.PUT, 1, 3, 0, utf8("k"), utf8("12345"));
    for (int n = 0; n < good.length; n++) {
      ByteBuffer cut = ByteBuffer.wrap(good, 0, n);
      assertThrows(
          CorruptRecordException.class, () -> RecordCodec.decode(cut, RecordCodec.FORMAT_2));
    }
  }

  @Test
  void wholeRecordsOfAKindOrFlagThisVersionDoesNotKnowAreUnsupportedNotCorrupt() {
    byte[] unknownKind = RawRecords.formatTwo(9, 0, new byte[0], 1, 1, 0, "k", new byte[0]);
    // The expiry is known, but not on a HANDOFF, and not with more bytes than it takes.
    byte[] expiringHandoff = RawRecords.formatTwo(3, 0x01, EXPIRY, 1, 1, 0, "k", new byte[0]);
    byte[] expiryAndMore = RawRecords.formatTwo(1, 0x01, new byte[12], 1, 1, 0, "k", utf8("1"));
    // Value codec and key id are known, but not codec 9, a field shorter than its flag says, a
    // key id past 2^31 - 1, or either on a tombstone.
    byte[] codec = RawRecords.formatTwo(1, 0x02, new byte[] {9}, 1, 1, 0, "k", utf8("1"));
    byte[] shortField = RawRecords.formatTwo(1, 0x04, new byte[2], 1, 1, 0, "k", utf8("1"));
    byte[] keyId =
        RawRecords.formatTwo(1, 0x04, new byte[] {-1, 0, 0, 0}, 1, 1, 0, "k", new byte[28]);
    byte[] deleteWithCodec =
        RawRecords.formatTwo(2, 0x02, new byte[] {1}, 1, 1, 0, "k", new byte[0]);
    // A field this version has never heard of: extLen still frames it, so the CRC is checked.
    byte[] future = RawRecords.formatTwo(1, 0x20, new byte[3], 1, 1, 0, "k", utf8("1"));
    byte[] deleteWithValue = RawRecords.formatTwo(2, 0, new byte[0], 1, 1, 0, "k", utf8("1"));
    for (byte[] record :
        new byte[][] {
          unknownKind,
          expiringHandoff,
          expiryAndMore,
          codec,
          shortField,
          keyId,
          deleteWithCodec,
          future,
          deleteWithValue
        }) {
      UnsupportedRecordException e =
          assertThrows(UnsupportedRecordException.class, () -> decode(record));
      assertTrue(e.getMessage().length() > 0);
      int size = RecordCodec.sizeFromHeader(ByteBuffer.wrap(record), 0, RecordCodec.FORMAT_2);
      assertEquals(record.length, size, "framed whole");
    }
  }

  @Test
  void formatOneRecordsReadAsPutOrDeleteOfWriterZeroWithTheirVersionAsSeq() throws Exception {
    // The worked example of format 1, as the previous docs/STORAGE.md had it.
    byte[] put = RawRecords.formatOne("user:1", utf8("\"alice\""), 1);
    assertEquals(
        "42041707"
            + "0000000000000001"
            + "00000006"
            + "00000007"
            + "757365723a31"
            + "22616c69636522",
        HexFormat.of().formatHex(put));
    Record r = RecordCodec.decode(ByteBuffer.wrap(put), RecordCodec.FORMAT_1);
    assertEquals(new Record(RecordKind.PUT, 1, 1, 0, "user:1", r.value()), r);
    Record d =
        RecordCodec.decode(
            ByteBuffer.wrap(RawRecords.formatOne("user:1", null, 5)), RecordCodec.FORMAT_1);
    assertEquals(new Record(RecordKind.DELETE, 5, 5, 0, "user:1", null), d);
  }

  @Test
  void anExpiringPutCarriesItsExpiryAsTheOptionalFieldOfFlagBitZero() throws Exception {
    // The worked example of docs/STORAGE.md: node-1 puts "user:2" = "bob" with a ttl of an hour.
    byte[] put =
        RecordCodec.encode(
            RecordKind.PUT,
            4,
            1764156000345678L,
            NODE_1,
            utf8("user:2"),
            utf8("\"bob\""),
            1764159600345L);
    assertEquals(
        "fffb78aa"
            + "01"
            + "01"
            + "0008"
            + "0000000000000004"
            + "0006447d93ba9e4e"
            + "ef7260a1"
            + "00000006"
            + "00000005"
            + "0000019ac01b36d9"
            + "757365723a32"
            + "22626f6222",
        HexFormat.of().formatHex(put));
    assertEquals(RecordCodec.size(utf8("user:2"), utf8("\"bob\""), 1764159600345L), put.length);
    Record r = decode(put);
    assertEquals(1764159600345L, r.expiresAt());
    assertEquals("user:2", r.key());
    assertArrayEquals(utf8("\"bob\""), r.value());
    // A value that never expires is written as before: no flag, no optional bytes.
    byte[] plain = RecordCodec.encode(RecordKind.PUT, 4, 1, NODE_1, utf8("k"), utf8("1"), 0);
    assertEquals(0, plain[5]);
    assertEquals(0, decode(plain).expiresAt());
    assertThrows(
        IllegalArgumentException.class,
        () -> RecordCodec.encode(RecordKind.HANDOFF, 5, 1, NODE_1, utf8("k"), null, 1L));
    // An expiry tombstone: the DELETE active expiry writes for a value that expired.
    byte[] expired =
        RecordCodec.encode(RecordKind.DELETE, 5, 1, NODE_1, utf8("k"), null, 1764159600345L);
    assertEquals(1764159600345L, decode(expired).expiresAt());
    assertNull(decode(expired).value());
  }

  @Test
  void layoutMatchesTheDocumentedExample() {
    // The worked examples of docs/STORAGE.md: node-1 puts "user:1" = "alice", deletes it, and a
    // move hands the deleted key off.
    assertEquals(0xef7260a1, NODE_1);
    byte[] put =
        RecordCodec.encode(
            RecordKind.PUT, 1, 1764156000123456L, NODE_1, utf8("user:1"), utf8("\"alice\""));
    assertEquals(
        "912b7125"
            + "01"
            + "00"
            + "0000"
            + "0000000000000001"
            + "0006447d93b73a40"
            + "ef7260a1"
            + "00000006"
            + "00000007"
            + "757365723a31"
            + "22616c69636522",
        HexFormat.of().formatHex(put));
    byte[] delete =
        RecordCodec.encode(RecordKind.DELETE, 2, 1764156000234567L, NODE_1, utf8("user:1"), null);
    assertEquals(
        "193db5d9"
            + "02"
            + "00"
            + "0000"
            + "0000000000000002"
            + "0006447d93b8ec47"
            + "ef7260a1"
            + "00000006"
            + "00000000"
            + "757365723a31",
        HexFormat.of().formatHex(delete));
    byte[] handoff =
        RecordCodec.encode(RecordKind.HANDOFF, 3, 1764156000234567L, NODE_1, utf8("user:1"), null);
    assertEquals(
        "048c8759"
            + "03"
            + "00"
            + "0000"
            + "0000000000000003"
            + "0006447d93b8ec47"
            + "ef7260a1"
            + "00000006"
            + "00000000"
            + "757365723a31",
        HexFormat.of().formatHex(handoff));
  }

  @Test
  void theSegmentHeaderIsMagicAndFormat() {
    assertEquals("50584b53" + "00000002", HexFormat.of().formatHex(SegmentHeader.encode().array()));
  }
}
