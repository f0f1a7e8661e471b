package io.pxkv.node.storage;

/**
 * How the disk engine stores values: compressed or not, and encrypted or not. Values are written as
 * given; with {@link Compression#DEFLATE}, compaction deflates the ones of at least {@code
 * minBytes} as it copies them (docs/STORAGE.md, "Compression and encryption").
 *
 * @param compression {@link Compression#DEFLATE} (default) or {@link Compression#NONE}
 * @param minBytes values shorter than this are stored as given: too small to gain (default 256)
 * @param keys the AES-256 keys, the last encrypting new records; null: no encryption
 */
public record ValueCoding(Compression compression, int minBytes, EncryptionKeys keys) {
  public static final int DEFAULT_MIN_BYTES = 256;
  public static final ValueCoding DEFAULTS =
      new ValueCoding(Compression.DEFLATE, DEFAULT_MIN_BYTES, null);

  /** Values stored as given, unencrypted. */
  public static final ValueCoding PLAIN =
      new ValueCoding(Compression.NONE, DEFAULT_MIN_BYTES, null);

  public ValueCoding {
    if (compression == null) throw new IllegalArgumentException("compression must be given");
    if (minBytes < 0) throw new IllegalArgumentException("minBytes must be >= 0");
  }

  /**
   * Whether compaction should try to deflate a value of {@code length} bytes (before encryption)
   * that is stored as given.
   */
  public boolean deflates(int length) {
    return compression == Compression.DEFLATE && length >= minBytes;
  }

  public ValueCoding withCompression(Compression value) {
    return new ValueCoding(value, minBytes, keys);
  }

  public ValueCoding withMinBytes(int value) {
    return new ValueCoding(compression, value, keys);
  }

  public ValueCoding withKeys(EncryptionKeys value) {
    return new ValueCoding(compression, minBytes, value);
  }

  @Override
  public String toString() {
    return "ValueCoding[" + compression.flagName() + ", minBytes " + minBytes + ", " + keys + "]";
  }
}
