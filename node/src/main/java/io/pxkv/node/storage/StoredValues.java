package io.pxkv.node.storage;

import io.pxkv.node.storage.RecordCodec.CorruptRecordException;
import io.pxkv.node.storage.RecordCodec.Record;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.DataFormatException;

/**
 * The disk engine's value codecs: deflates values on the thread that asks for the write (before the
 * hand-off to {@code kv-write}, so the single writer never compresses), and turns a stored value
 * back into the value given (decrypt, then inflate) on the reading thread. Encryption itself
 * happens as the record is encoded ({@link RecordCodec#encode}, with {@link #cipher()}), because
 * its authenticated data binds the record's seq and version, which only the writer knows.
 *
 * <p>Thread-safe.
 */
final class StoredValues {
  /** A value as it goes to the writer: its bytes and the codec they are in. */
  record Encoded(byte[] bytes, int codec) {}

  private final ValueCoding coding;
  private final RecordCipher cipher;
  private final LongAdder values = new LongAdder();
  private final LongAdder compressed = new LongAdder();
  private final LongAdder rawBytes = new LongAdder();
  private final LongAdder storedBytes = new LongAdder();
  private final LongAdder reencrypted = new LongAdder();
  private volatile List<Integer> keyIdsOnDisk = List.of();

  StoredValues(ValueCoding coding) {
    this.coding = coding;
    this.cipher = coding.keys() == null ? null : new RecordCipher(coding.keys());
  }

  /** Seals new records; null when encryption is off. */
  RecordCipher cipher() {
    return cipher;
  }

  /**
   * The value as it will be stored: deflated when compression is on, it is at least the minimum
   * size and it shrinks; else a copy of it (the caller may reuse {@code value}).
   */
  Encoded encode(byte[] value) {
    values.increment();
    rawBytes.add(value.length);
    if (coding.compression() == Compression.DEFLATE && value.length >= coding.minBytes()) {
      byte[] deflated = Deflate.compress(value);
      if (deflated != null) {
        compressed.increment();
        storedBytes.add(deflated.length);
        return new Encoded(deflated, Deflate.CODEC);
      }
    }
    storedBytes.add(value.length);
    return new Encoded(value.clone(), RecordCodec.CODEC_NONE);
  }

  /**
   * The value given to the write that stored {@code r} (a PUT): its tag checked and decrypted, then
   * inflated.
   *
   * @throws CorruptRecordException if the tag does not match (a changed byte, a value moved from
   *     another record, a wrong key), the key is missing or the deflated bytes are damaged
   */
  byte[] decode(Record r) throws CorruptRecordException {
    byte[] v = open(r);
    if (r.codec() == RecordCodec.CODEC_NONE) return v;
    try {
      return Deflate.inflate(v, RecordCodec.MAX_VALUE_BYTES);
    } catch (DataFormatException e) {
      throw new CorruptRecordException("deflated value is damaged: " + e.getMessage());
    }
  }

  /** The stored value of {@code r} decrypted, still in its codec. */
  byte[] open(Record r) throws CorruptRecordException {
    if (!r.sealed()) return r.value();
    if (cipher == null) {
      throw new CorruptRecordException(
          "value encrypted under key id " + r.keyId() + " and this node has no encryption keys");
    }
    try {
      return cipher.open(r.keyId(), r.aad(), r.value());
    } catch (EncryptionKeyException e) {
      throw new CorruptRecordException(e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new CorruptRecordException(
          "encrypted value fails its authentication tag (changed bytes, or another record's value)");
    }
  }

  /** Whether compaction must re-encrypt {@code r} under the current key. */
  boolean needsReseal(Record r) {
    return cipher != null && r.value() != null && r.keyId() != cipher.currentId();
  }

  void resealed() {
    reencrypted.increment();
  }

  void keyIdsOnDisk(List<Integer> ids) {
    keyIdsOnDisk = List.copyOf(ids);
  }

  CodecStats stats() {
    return new CodecStats(
        coding.compression().flagName(),
        coding.minBytes(),
        values.sum(),
        compressed.sum(),
        rawBytes.sum(),
        storedBytes.sum(),
        cipher == null ? null : cipher.currentId(),
        keyIdsOnDisk,
        reencrypted.sum());
  }
}
