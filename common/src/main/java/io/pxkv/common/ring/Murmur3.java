package io.pxkv.common.ring;

import java.nio.charset.StandardCharsets;

/**
 * MurmurHash3 x64_128 with seed 0 over the key's UTF-8 bytes, keeping the first 64 bits (h1): the
 * same number as Guava's {@code Hashing.murmur3_128().hashString(k, UTF_8).asLong()}.
 *
 * <p>Written out here rather than borrowed so that the ring's layout depends on nothing outside
 * this file; {@code Murmur3Test} pins known answers. Stateless and thread-safe.
 */
public final class Murmur3 implements HashFunction {
  public static final Murmur3 INSTANCE = new Murmur3();

  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private Murmur3() {}

  @Override
  public long hash(String key) {
    return hash64(key.getBytes(StandardCharsets.UTF_8));
  }

  /** The first 64 bits of MurmurHash3 x64_128 (seed 0) of {@code data}. */
  public static long hash64(byte[] data) {
    int length = data.length;
    int blocks = length / 16;
    long h1 = 0;
    long h2 = 0;
    for (int i = 0; i < blocks; i++) {
      long k1 = getLong(data, i * 16);
      long k2 = getLong(data, i * 16 + 8);
      h1 ^= mixK1(k1);
      h1 = Long.rotateLeft(h1, 27) + h2;
      h1 = h1 * 5 + 0x52dce729;
      h2 ^= mixK2(k2);
      h2 = Long.rotateLeft(h2, 31) + h1;
      h2 = h2 * 5 + 0x38495ab5;
    }
    long k1 = 0;
    long k2 = 0;
    int tail = blocks * 16;
    // Fall through on purpose: the tail bytes are packed little-endian, as in the reference code.
    switch (length & 15) {
      case 15:
        k2 ^= (data[tail + 14] & 0xffL) << 48;
      case 14:
        k2 ^= (data[tail + 13] & 0xffL) << 40;
      case 13:
        k2 ^= (data[tail + 12] & 0xffL) << 32;
      case 12:
        k2 ^= (data[tail + 11] & 0xffL) << 24;
      case 11:
        k2 ^= (data[tail + 10] & 0xffL) << 16;
      case 10:
        k2 ^= (data[tail + 9] & 0xffL) << 8;
      case 9:
        k2 ^= data[tail + 8] & 0xffL;
        h2 ^= mixK2(k2);
      case 8:
        k1 ^= (data[tail + 7] & 0xffL) << 56;
      case 7:
        k1 ^= (data[tail + 6] & 0xffL) << 48;
      case 6:
        k1 ^= (data[tail + 5] & 0xffL) << 40;
      case 5:
        k1 ^= (data[tail + 4] & 0xffL) << 32;
      case 4:
        k1 ^= (data[tail + 3] & 0xffL) << 24;
      case 3:
        k1 ^= (data[tail + 2] & 0xffL) << 16;
      case 2:
        k1 ^= (data[tail + 1] & 0xffL) << 8;
      case 1:
        k1 ^= data[tail] & 0xffL;
        h1 ^= mixK1(k1);
      default:
        break;
    }
    h1 ^= length;
    h2 ^= length;
    h1 += h2;
    h2 += h1;
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    h1 += h2;
    return h1;
  }

  private static long getLong(byte[] b, int i) {
    return (b[i] & 0xffL)
        | (b[i + 1] & 0xffL) << 8
        | (b[i + 2] & 0xffL) << 16
        | (b[i + 3] & 0xffL) << 24
        | (b[i + 4] & 0xffL) << 32
        | (b[i + 5] & 0xffL) << 40
        | (b[i + 6] & 0xffL) << 48
        | (b[i + 7] & 0xffL) << 56;
  }

  private static long mixK1(long k1) {
    k1 *= C1;
    k1 = Long.rotateLeft(k1, 31);
    return k1 * C2;
  }

  private static long mixK2(long k2) {
    k2 *= C2;
    k2 = Long.rotateLeft(k2, 33);
    return k2 * C1;
  }

  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
