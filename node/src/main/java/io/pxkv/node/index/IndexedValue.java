package io.pxkv.node.index;

import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;

/**
 * What an index takes from a stored value: a finite number as a {@link Double}, a string, or a
 * vector as a {@code float[]} of the index's length. A value whose path is missing or holds another
 * type is not indexed (null).
 */
final class IndexedValue {
  private IndexedValue() {}

  /** The JSON value of stored bytes, or null if they do not parse (never stored by this node). */
  static Object decode(byte[] json) {
    try {
      return Json.decodeValue(Buffer.buffer(json));
    } catch (DecodeException e) {
      return null;
    }
  }

  /** What {@code spec} indexes of the decoded value, or null. */
  static Object of(IndexSpec spec, Object decoded) {
    Object at = spec.at(decoded);
    if (at == null) return null;
    switch (spec.type()) {
      case NUMBER:
        if (at instanceof Number n) {
          double d = n.doubleValue();
          return Double.isFinite(d) ? d : null;
        }
        return null;
      case STRING:
        return at instanceof String s ? s : null;
      case VECTOR:
        float[] v = vector(at);
        return v != null && v.length == spec.dims() ? v : null;
      default:
        return null;
    }
  }

  /**
   * Throws {@code 400 invalid_value} if {@code spec} is a vector index and the value holds an array
   * of numbers at its path whose length is not the index's: a value that is surely a mistake.
   */
  static void check(IndexSpec spec, Object decoded) {
    if (spec.type() != IndexSpec.Type.VECTOR) return;
    float[] v = vector(spec.at(decoded));
    if (v != null && v.length != spec.dims()) {
      throw new KvException(
          ErrorCode.INVALID_VALUE,
          "value at "
              + spec.path()
              + " is a vector of "
              + v.length
              + " numbers; index '"
              + spec.name()
              + "' takes "
              + spec.dims());
    }
  }

  /** The numbers of a JSON array of finite numbers, or null for anything else. */
  static float[] vector(Object at) {
    if (!(at instanceof JsonArray a) || a.isEmpty()) return null;
    float[] v = new float[a.size()];
    for (int i = 0; i < v.length; i++) {
      if (!(a.getValue(i) instanceof Number n)) return null;
      float f = n.floatValue();
      if (!Float.isFinite(f)) return null;
      v[i] = f;
    }
    return v;
  }
}
