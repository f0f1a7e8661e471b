package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.text;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values deflated and encrypted on disk: round trips, refusals, rotation and damage. */
class ValueCodingTest {
  private static final String KEY_1 = CodecKeys.line(1);
  private static final String KEY_2 = CodecKeys.line(2);

  @TempDir Path dir;

  private StorageOptions options(ValueCoding coding) {
    return StorageOptions.defaults(dir)
        .withCacheBytes(0)
        .withCompaction(CompactionPolicy.MANUAL)
        .withCoding(coding);
  }

  private BitcaskEngine open(ValueCoding coding) throws IOException {
    return BitcaskEngine.open(options(coding));
  }

  private static ValueCoding encrypted(String... keyLines) {
    return ValueCoding.DEFAULTS.withKeys(CodecKeys.of(keyLines));
  }

  /** A JSON document of about {@code bytes} bytes, repetitive as real documents are. */
  static String document(int n, int bytes) {
    StringBuilder b = new StringBuilder("{\"id\":" + n + ",\"items\":[");
    for (int i = 0; b.length() < bytes - 60; i++) {
      if (i > 0) b.append(',');
      b.append("{\"sku\":\"SKU-").append(n * 31 + i).append("\",\"qty\":").append(i % 7);
      b.append(",\"status\":\"shipped\"}");
    }
    return b.append("]}").toString();
  }

  private static String value(BitcaskEngine e, String key) throws IOException {
    return e.get(key).map(v -> text(v.value())).orElse(null);
  }

  private byte[] segmentBytes() throws IOException {
    ByteBuffer all = ByteBuffer.allocate(0);
    byte[] out = new byte[0];
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(p -> p.toString().endsWith(".seg")).sorted().toList()) {
        byte[] b = Files.readAllBytes(p);
        byte[] joined = new byte[out.length + b.length];
        System.arraycopy(out, 0, joined, 0, out.length);
        System.arraycopy(b, 0, joined, out.length, b.length);
        out = joined;
      }
    }
    return out;
  }

  private static boolean contains(byte[] haystack, String needle) {
    return new String(haystack, StandardCharsets.ISO_8859_1)
        .contains(new String(utf8(needle), StandardCharsets.ISO_8859_1));
  }

  @Test
  void valuesAreWrittenAsGivenAndCompactionDeflatesTheLargeCompressibleOnes() throws Exception {
    String doc = document(1, 4000);
    byte[] noise = new byte[3000];
    new Random(7).nextBytes(noise);
    String random = "\"" + java.util.Base64.getEncoder().encodeToString(noise) + "\"";
    try (BitcaskEngine e = open(ValueCoding.DEFAULTS)) {
      await(e.put("doc", utf8(doc)));
      await(e.put("small", utf8("\"" + "s".repeat(200) + "\"")));
      await(e.put("random", utf8(random)));
      CodecStats s = e.codecStats();
      assertEquals(3, s.valuesWritten());
      assertEquals(0, s.valuesTried(), "nothing is deflated on the write path");
      // The small value is under the minimum: it never waits.
      assertEquals(doc.length() + random.length(), s.pendingRawBytes(), s.toString());
      assertEquals(doc, value(e, "doc"));
      assertTrue(contains(segmentBytes(), "\"status\":\"shipped\"},{\"sku\""), "as given");
      await(e.compact());
      s = e.codecStats();
      assertEquals(2, s.valuesTried(), s.toString());
      // Base64 of noise shrinks a little only (6 of 8 bits), or not at all: then it stays as given.
      assertTrue(s.valuesCompressed() >= 1 && s.valuesCompressed() <= 2, s.toString());
      assertEquals(doc.length() + random.length(), s.rawBytes());
      assertTrue(s.ratio() < 0.8, "ratio " + s.ratio());
      assertEquals(0, s.pendingRawBytes(), "compaction outputs hold no value waiting");
      assertEquals(doc, value(e, "doc"));
      e.checkInvariants();
    }
    byte[] disk = segmentBytes();
    assertFalse(contains(disk, "\"status\":\"shipped\"},{\"sku\""), "the document is deflated");
    assertTrue(contains(disk, "s".repeat(200)), "a value under the minimum is stored as given");
    assertTrue(disk.length < doc.length() + random.length(), "stored smaller than given");
    try (BitcaskEngine e = open(ValueCoding.PLAIN)) {
      // Reading needs no option: the record names its codec.
      assertEquals(doc, value(e, "doc"));
      assertEquals(random, value(e, "random"));
      await(e.compact());
      assertEquals(doc, value(e, "doc"));
      e.checkInvariants();
    }
  }

  @Test
  void noCompressionStoresEveryValueAsGiven() throws Exception {
    String doc = document(2, 2000);
    try (BitcaskEngine e = open(ValueCoding.PLAIN)) {
      await(e.put("doc", utf8(doc)));
      assertEquals(0, e.codecStats().pendingRawBytes(), "nothing waits to be deflated");
      await(e.compact());
      assertEquals(0, e.codecStats().valuesTried());
    }
    assertTrue(contains(segmentBytes(), doc));
  }

  @Test
  void encryptedValuesNeverReachTheDiskInTheClearAndReadBackAfterRestart() throws Exception {
    ValueCoding coding = encrypted(KEY_1);
    String doc = document(3, 1000);
    String small = "\"the secret is 42\"";
    try (BitcaskEngine e = open(coding)) {
      await(e.put("doc", utf8(doc)));
      await(e.put("small", utf8(small)));
      await(e.importRecord("moved", utf8("\"moved secret\""), 77, 5, 0));
      assertEquals(small, value(e, "small"));
      assertEquals(1, e.codecStats().encryptionKeyId());
    }
    byte[] disk = segmentBytes();
    assertFalse(contains(disk, "the secret is 42"));
    assertFalse(contains(disk, "moved secret"));
    assertTrue(contains(disk, "small"), "keys are stored in the clear");
    try (BitcaskEngine e = open(coding)) {
      assertEquals(doc, value(e, "doc"));
      assertEquals(small, value(e, "small"));
      assertEquals(77, e.get("moved").orElseThrow().version());
      await(e.compact());
      assertEquals(small, value(e, "small"));
      e.checkInvariants();
    }
    try (BitcaskEngine e = open(coding)) {
      assertEquals(doc, value(e, "doc"), "read from compacted segments through their hints");
    }
  }

  @Test
  void aMissingOrWrongKeyOrNoKeyRefusesToStart() throws Exception {
    try (BitcaskEngine e = open(encrypted(KEY_1))) {
      await(e.put("k", utf8("\"v\"")));
    }
    EncryptionKeyException missing =
        assertThrows(EncryptionKeyException.class, () -> open(encrypted(KEY_2)));
    assertTrue(missing.getMessage().contains("key id 1"), missing.getMessage());
    EncryptionKeyException wrong =
        assertThrows(EncryptionKeyException.class, () -> open(encrypted(CodecKeys.line(1))));
    assertTrue(wrong.getMessage().contains("not the key"), wrong.getMessage());
    EncryptionKeyException none =
        assertThrows(EncryptionKeyException.class, () -> open(ValueCoding.DEFAULTS));
    assertTrue(none.getMessage().contains("--encryption-key-file"), none.getMessage());
    assertFalse(none.getMessage().contains(KEY_1.substring(2)), "no key bytes in messages");
    // Without KEYS (lost, or segments copied alone), the records scanned still name their key.
    Files.delete(dir.resolve(KeyCheckFile.NAME));
    assertThrows(EncryptionKeyException.class, () -> open(encrypted(KEY_2)));
    assertThrows(EncryptionKeyException.class, () -> open(ValueCoding.DEFAULTS));
    try (BitcaskEngine e = open(encrypted(KEY_1))) {
      assertEquals("\"v\"", value(e, "k"), "and nothing was changed by the refusals");
    }
  }

  @Test
  void rotationReencryptsOldRecordsInCompactionAndThenTheOldKeyCanGo() throws Exception {
    try (BitcaskEngine e = open(encrypted(KEY_1))) {
      for (int i = 0; i < 20; i++) await(e.put("old-" + i, utf8(document(i, 600))));
    }
    try (BitcaskEngine e = open(encrypted(KEY_1, KEY_2))) {
      assertEquals(List.of(1, 2), e.codecStats().keyIdsOnDisk());
      await(e.put("new", utf8("\"under key 2\"")));
      assertEquals(document(3, 600), value(e, "old-3"), "the old key still reads");
      await(e.compact());
      CodecStats s = e.codecStats();
      assertEquals(20, s.recordsReencrypted());
      assertEquals(List.of(2), s.keyIdsOnDisk());
      e.checkInvariants();
    }
    try (BitcaskEngine e = open(encrypted(KEY_2))) {
      for (int i = 0; i < 20; i++) assertEquals(document(i, 600), value(e, "old-" + i));
      assertEquals("\"under key 2\"", value(e, "new"));
    }
  }

  @Test
  void plainRecordsAreEncryptedByCompactionOnceEncryptionIsOn() throws Exception {
    try (BitcaskEngine e = open(ValueCoding.DEFAULTS)) {
      await(e.put("k", utf8("\"was plain\"")));
    }
    try (BitcaskEngine e = open(encrypted(KEY_1))) {
      await(e.compact());
      assertEquals(1, e.codecStats().recordsReencrypted());
    }
    assertFalse(contains(segmentBytes(), "was plain"));
    try (BitcaskEngine e = open(encrypted(KEY_1))) {
      assertEquals("\"was plain\"", value(e, "k"));
    }
  }

  @Test
  void aValueMovedToAnotherRecordFailsItsTagEvenWithAGoodCrc() throws Exception {
    KeyDirEntry a;
    KeyDirEntry b;
    try (BitcaskEngine e = open(encrypted(KEY_1))) {
      await(e.put("a", utf8("\"value-a\"")));
      await(e.put("b", utf8("\"value-b\"")));
      await(e.put("b", utf8("\"value-c\""))); // a newer write of b, same length
      a = e.keyDirectory().get("a");
      b = e.keyDirectory().get("b");
    }
    Path seg = FileNames.segment(dir, 1);
    byte[] file = Files.readAllBytes(seg);
    int valueLen = 9 + RecordCipher.OVERHEAD;
    // b's newest record gets a's sealed value, and a CRC that matches again.
    System.arraycopy(
        file,
        (int) (a.offset() + a.size() - valueLen),
        file,
        (int) (b.offset() + b.size() - valueLen),
        valueLen);
    fixCrc(file, (int) b.offset(), b.size());
    Files.write(seg, file);
    try (BitcaskEngine e = open(encrypted(KEY_1))) {
      assertTrue(e.recoveryReport().isClean(), "the CRC matches: recovery cannot tell");
      assertEquals("\"value-a\"", value(e, "a"));
      KvException damaged = assertThrows(KvException.class, () -> e.get("b"));
      assertEquals(ErrorCode.STORAGE_FAILURE, damaged.code());
      assertTrue(damaged.getMessage().contains("authentication tag"), damaged.getMessage());
    }
  }

  @Test
  void aFlippedByteOfCiphertextIsCorruptionLikeAnyOther() throws Exception {
    KeyDirEntry mid;
    try (BitcaskEngine e = open(encrypted(KEY_1))) {
      await(e.put("first", utf8(document(1, 800))));
      await(e.put("mid", utf8(document(2, 800))));
      await(e.put("last", utf8(document(3, 800))));
      mid = e.keyDirectory().get("mid");
    }
    Path seg = FileNames.segment(dir, 1);
    Bytes.flipByte(seg, mid.offset() + mid.size() - 20);
    StorageCorruptionException refused =
        assertThrows(StorageCorruptionException.class, () -> open(encrypted(KEY_1)));
    assertTrue(refused.getMessage().contains(String.valueOf(mid.offset())), refused.getMessage());
    try (BitcaskEngine e = BitcaskEngine.open(options(encrypted(KEY_1)).withRecover(true))) {
      assertEquals(1, e.recoveryReport().droppedRecords());
      assertEquals(Optional.empty(), e.get("mid"));
      assertEquals(document(3, 800), value(e, "last"));
    }
  }

  @Test
  void aTornEncryptedTailIsCutAtEveryOffset() throws Exception {
    ValueCoding coding = encrypted(KEY_1);
    KeyDirEntry last;
    try (BitcaskEngine e = open(coding)) {
      await(e.put("a", utf8(document(1, 400))));
      await(e.put("last", utf8(document(2, 400))));
      last = e.keyDirectory().get("last");
    }
    Path seg = FileNames.segment(dir, 1);
    byte[] whole = Files.readAllBytes(seg);
    assertEquals(whole.length, last.offset() + last.size());
    assertEquals(RecordCodec.FLAG_KEY_ID, whole[(int) last.offset() + 5], "sealed, as given");
    cutEveryOffsetOfTheLastRecord(coding, seg, whole, last);
  }

  /**
   * A segment that ends in a deflated, encrypted record, as older versions wrote at put time: here
   * a compaction output made the newest segment by deleting the empty one after it (and its hint,
   * which a cut file fails).
   */
  @Test
  void aTornDeflatedEncryptedTailIsCutAtEveryOffset() throws Exception {
    ValueCoding coding = encrypted(KEY_1);
    try (BitcaskEngine e = open(coding)) {
      await(e.put("a", utf8(document(1, 400))));
      await(e.put("last", utf8(document(2, 400))));
      await(e.compact());
    }
    List<Path> segs;
    try (var files = Files.list(dir)) {
      segs = files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
    assertEquals(2, segs.size(), segs.toString());
    assertEquals(SegmentHeader.BYTES, Files.size(segs.get(1)), "the new active one is empty");
    Files.delete(segs.get(1));
    Path seg = segs.get(0);
    int id = Integer.parseInt(seg.getFileName().toString().substring(0, 6));
    Files.delete(FileNames.segmentHint(dir, id));
    KeyDirEntry last;
    try (BitcaskEngine e = open(coding)) {
      last = e.keyDirectory().get("last");
    }
    byte[] whole = Files.readAllBytes(seg);
    assertEquals(whole.length, last.offset() + last.size());
    assertEquals(
        RecordCodec.FLAG_VALUE_CODEC | RecordCodec.FLAG_KEY_ID, whole[(int) last.offset() + 5]);
    cutEveryOffsetOfTheLastRecord(coding, seg, whole, last);
  }

  private void cutEveryOffsetOfTheLastRecord(
      ValueCoding coding, Path seg, byte[] whole, KeyDirEntry last) throws Exception {
    for (long cut = last.offset() + 1; cut < whole.length; cut++) {
      Files.write(seg, whole);
      Bytes.truncateTo(seg, cut);
      try (BitcaskEngine e = open(coding)) {
        assertEquals(1, e.recoveryReport().tornRecords(), "cut at " + cut);
        assertEquals(document(1, 400), value(e, "a"));
        assertEquals(Optional.empty(), e.get("last"));
      }
    }
  }

  @Test
  void recordsOfBothCodecFieldsDecodeWithTheirFields() throws Exception {
    RecordCipher cipher = new RecordCipher(CodecKeys.of(KEY_1));
    byte[] key = utf8("user:1");
    byte[] deflated = Deflate.compress(utf8(document(1, 500)));
    // All three optional fields at once: expiry, codec and key id, in flag-bit order.
    long expiresAt = 1764159600345L;
    int size = RecordCodec.size(key, deflated, expiresAt, Deflate.CODEC, RecordCodec.NO_KEY, true);
    ByteBuffer out = ByteBuffer.allocate(size);
    RecordCodec.encode(
        out,
        RecordKind.PUT,
        9,
        1234,
        7,
        key,
        deflated,
        expiresAt,
        Deflate.CODEC,
        RecordCodec.NO_KEY,
        cipher);
    assertEquals(size, out.position());
    var r = RecordCodec.decode(out.flip(), RecordCodec.FORMAT_2);
    assertEquals(expiresAt, r.expiresAt());
    assertEquals(Deflate.CODEC, r.codec());
    assertEquals(1, r.keyId());
    assertEquals(deflated.length + RecordCipher.OVERHEAD, r.value().length);
    StoredValues values = new StoredValues(ValueCoding.DEFAULTS.withKeys(CodecKeys.of(KEY_1)));
    assertArrayEquals(utf8(document(1, 500)), values.decode(r));
  }

  /** The worked example of docs/STORAGE.md: a fixed key and nonce make its bytes fixed. */
  static byte[] documentedExample() throws Exception {
    byte[] keyBytes = new byte[32];
    for (int i = 0; i < 32; i++) keyBytes[i] = (byte) i;
    EncryptionKeys keys =
        CodecKeys.of("1:" + java.util.Base64.getEncoder().encodeToString(keyBytes));
    java.security.SecureRandom fixedNonce =
        new java.security.SecureRandom() {
          @Override
          public void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (0xa0 + i);
          }
        };
    RecordCipher cipher = new RecordCipher(keys, fixedNonce);
    byte[] key = utf8("user:1");
    byte[] value = utf8("\"" + "a".repeat(40) + "\"");
    byte[] deflated = Deflate.compress(value);
    int size = RecordCodec.size(key, deflated, 0, Deflate.CODEC, RecordCodec.NO_KEY, true);
    ByteBuffer out = ByteBuffer.allocate(size);
    RecordCodec.encode(
        out,
        RecordKind.PUT,
        4,
        1764156000345678L,
        0xef7260a1,
        key,
        deflated,
        0,
        Deflate.CODEC,
        RecordCodec.NO_KEY,
        cipher);
    byte[] record = out.array();
    var r = RecordCodec.decode(ByteBuffer.wrap(record), RecordCodec.FORMAT_2);
    assertArrayEquals(value, new StoredValues(ValueCoding.DEFAULTS.withKeys(keys)).decode(r));
    return record;
  }

  @Test
  void layoutOfADeflatedEncryptedRecordMatchesTheDocumentedExample() throws Exception {
    String hex = java.util.HexFormat.of().formatHex(documentedExample());
    assertEquals(EXAMPLE_HEX, hex);
  }

  private static final String EXAMPLE_HEX =
      "4ea97ffe0106000500000000000000040006447d93ba9e4eef7260a100000006000000290100000001757365723a31a0a1a2a3a4a5a6a7a8a9aaab9e192f6761d92abe622e4cdc6a69797c54c462f669ae023f7d2b7ba8eb";

  private static void fixCrc(byte[] file, int at, int size) {
    CRC32C crc = new CRC32C();
    crc.update(file, at + 4, size - 4);
    ByteBuffer.wrap(file).putInt(at, (int) crc.getValue());
  }
}
