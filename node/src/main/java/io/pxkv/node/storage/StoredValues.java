package io.pxkv.node.storage;

import io.pxkv.node.storage.RecordCodec.CorruptRecordException;
import io.pxkv.node.storage.RecordCodec.Record;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.DataFormatException;

/**
 * The disk engine's value codecs: values go to the writer as given (the write path never
 * compresses: zlib costs about as much CPU as the rest of a put), compaction deflates them as it
 * copies them ({@link #deflateForCopy}, on {@code kv-compact}), and a stored value is turned back
 * into the value given (decrypt, then inflate) on the reading thread. Encryption itself happens as
 * the record is encoded ({@link RecordCodec#encode}, with {@link #cipher()}), because its
 * authenticated data binds the record's seq and version, which only the writer knows.
 *
 * <p>Thread-safe.
 */
final class StoredValues {
  /** A value as it goes to the writer: its bytes and the codec they are in. */
  record Encoded(byte[] bytes, int codec) {}

  private final ValueCoding coding;
  private final RecordCipher cipher;
  private final LongAdder values = new LongAdder();
  private final LongAdder writtenBytes = new LongAdder();
  private final LongAdder tried = new LongAdder();
  private final LongAdder compressed = new LongAdder();
  private final LongAdder rawBytes = new LongAdder();
  private final LongAdder storedBytes = new LongAdder();
  private final LongAdder deflateNanos = new LongAdder();
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
   * The value as it will be stored: a copy of it, as given (the caller may reuse {@code value}).
   */
  Encoded encode(byte[] value) {
    values.increment();
    writtenBytes.add(value.length);
    return new Encoded(value.clone(), RecordCodec.CODEC_NONE);
  }

  /**
   * For compaction copying {@code r}: the plain value of {@code r} deflated, when compression is
   * on, {@code r} is a value stored as given, at least the minimum size, and deflate shrinks it;
   * else null (copy {@code r} as it is). An encrypted value is decrypted first: the caller seals
   * the deflated bytes again (compression before encryption). A value that does not shrink is
   * counted as tried, and stays as given.
   *
   * @throws CorruptRecordException if {@code r} is encrypted and fails its tag
   */
  byte[] deflateForCopy(Record r) throws CorruptRecordException {
    if (r.value() == null || r.codec() != RecordCodec.CODEC_NONE) return null;
    int plainLength = r.value().length - (r.sealed() ? RecordCipher.OVERHEAD : 0);
    if (!coding.deflates(plainLength)) return null;
    if (r.sealed() && cipher == null) return null; // cannot open it; copied sealed as it is
    byte[] plain = open(r);
    long start = System.nanoTime();
    byte[] deflated = Deflate.compress(plain);
    deflateNanos.add(System.nanoTime() - start);
    tried.increment();
    rawBytes.add(plain.length);
    storedBytes.add(deflated == null ? plain.length : deflated.length);
    if (deflated != null) compressed.increment();
    return deflated;
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

  /** {@code pendingRawBytes}: live value bytes still stored as given that compaction will try. */
  CodecStats stats(long pendingRawBytes) {
    return new CodecStats(
        coding.compression().flagName(),
        coding.minBytes(),
        values.sum(),
        writtenBytes.sum(),
        tried.sum(),
        compressed.sum(),
        rawBytes.sum(),
        storedBytes.sum(),
        deflateNanos.sum() / 1_000_000,
        pendingRawBytes,
        cipher == null ? null : cipher.currentId(),
        keyIdsOnDisk,
        reencrypted.sum());
  }
}
