package io.pxkv.common.antientropy;

/**
 * The 64-bit digest of one record as anti-entropy sees it: the key (by its ring position), the
 * write's version and writer, and whether it is a tombstone. A bucket's digest is the sum (modulo
 * 2^64) of its records' digests, so it depends on which records a node holds and not on the order
 * it meets them; two nodes holding the same writes of the same keys have equal sums, and a key
 * missing, or held at another write or as a tombstone instead of a value, changes the sum (but for
 * a 2^-64 chance).
 */
public final class RecordDigest {
  private RecordDigest() {}

  /** The digest of a write of a key at ring position {@code position}. */
  public static long of(long position, long version, int writer, boolean tombstone) {
    long h = mix(position);
    h = mix(h ^ version);
    h = mix(h ^ ((writer & 0xffffffffL) << 1 | (tombstone ? 1 : 0)));
    return h;
  }

  /** MurmurHash3's 64-bit finalizer: every input bit reaches every output bit. */
  static long mix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
