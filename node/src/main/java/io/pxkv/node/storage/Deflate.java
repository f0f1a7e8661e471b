package io.pxkv.node.storage;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Value codec 1: zlib (RFC 1950) deflate of the value's bytes, from {@code java.util.zip}. One
 * {@link Deflater} and one {@link Inflater} per thread, reset between values, so a value costs no
 * native allocation. Level 1 (fastest): JSON documents shrink to about a third at level 1 already,
 * and compaction (one thread, {@code kv-compact}) deflates every value written as given.
 */
final class Deflate {
  /** The codec byte stored in a record's optional fields. */
  static final int CODEC = 1;

  private static final ThreadLocal<Deflater> DEFLATERS =
      ThreadLocal.withInitial(() -> new Deflater(Deflater.BEST_SPEED));
  private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(Inflater::new);

  private Deflate() {}

  /** The deflated bytes, or null when they would not be smaller than {@code value}. */
  static byte[] compress(byte[] value) {
    Deflater d = DEFLATERS.get();
    d.reset();
    d.setInput(value);
    d.finish();
    // Worth keeping only when smaller: a buffer of value.length - 1 bytes that fills up says no.
    byte[] out = new byte[Math.max(0, value.length - 1)];
    int n = 0;
    while (!d.finished() && n < out.length) n += d.deflate(out, n, out.length - n);
    if (!d.finished()) return null;
    return java.util.Arrays.copyOf(out, n);
  }

  /**
   * The inflated bytes of {@code stored}, at most {@code maxBytes} of them.
   *
   * @throws DataFormatException if the bytes are not a complete zlib stream or inflate past the
   *     bound
   */
  static byte[] inflate(byte[] stored, int maxBytes) throws DataFormatException {
    Inflater in = INFLATERS.get();
    in.reset();
    in.setInput(stored);
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, stored.length * 4));
    byte[] chunk = new byte[Math.min(64 * 1024, Math.max(256, stored.length * 4))];
    while (!in.finished()) {
      int n = in.inflate(chunk);
      if (n == 0 && (in.needsInput() || in.needsDictionary())) {
        throw new DataFormatException("deflated value ends before its stream does");
      }
      if (out.size() + n > maxBytes) {
        throw new DataFormatException("deflated value inflates past " + maxBytes + " bytes");
      }
      out.write(chunk, 0, n);
    }
    return out.toByteArray();
  }
}
