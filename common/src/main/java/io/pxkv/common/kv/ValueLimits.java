package io.pxkv.common.kv;

/**
 * Limits on what a client may send.
 *
 * @param maxValueBytes the largest stored value, in bytes of its compact JSON form
 * @param maxDepth the deepest nesting of arrays and objects inside a value
 */
public record ValueLimits(int maxValueBytes, int maxDepth) {
  public static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_DEPTH = 64;
  public static final ValueLimits DEFAULTS =
      new ValueLimits(DEFAULT_MAX_VALUE_BYTES, DEFAULT_MAX_DEPTH);

  /** Room for the key, the field names and some whitespace around the value. */
  private static final int BODY_OVERHEAD_BYTES = 64 * 1024;

  public ValueLimits {
    if (maxValueBytes < 1) {
      throw new IllegalArgumentException("maxValueBytes must be >= 1 (was " + maxValueBytes + ")");
    }
    if (maxDepth < 1) {
      throw new IllegalArgumentException("maxDepth must be >= 1 (was " + maxDepth + ")");
    }
  }

  /**
   * The largest request body accepted. A value's JSON may be sent with whitespace or escapes that
   * compact away, so the body limit is looser than the value limit; the value limit is checked on
   * the compact form.
   */
  public long maxBodyBytes() {
    return (long) maxValueBytes * 2 + BODY_OVERHEAD_BYTES;
  }
}
