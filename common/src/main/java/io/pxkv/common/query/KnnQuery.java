package io.pxkv.common.query;

import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * {@code POST /query/knn} body {@code {"index":NAME,"vector":[...],"k":10,"prefix":"optional"}},
 * parsed and checked against the index by the router and again by each node.
 *
 * @param index the vector index's name
 * @param vector the query vector, of the index's length, finite numbers
 * @param k how many neighbours, 1..{@link #MAX_K}
 * @param prefix only keys starting with it ("" for every key)
 */
public record KnnQuery(String index, float[] vector, int k, String prefix) {
  public static final int MAX_K = 1000;
  public static final int DEFAULT_K = 10;

  public static KnnQuery parse(Buffer body, Function<String, IndexSpec> lookup) {
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new KvException(ErrorCode.INVALID_JSON, "body must be a JSON object");
    }
    if (!(json.getValue("index") instanceof String index) || index.isEmpty()) {
      throw invalid("field 'index' is required (the name of a vector index)");
    }
    IndexSpec spec = lookup.apply(index);
    if (spec == null)
      throw new KvException(ErrorCode.UNKNOWN_INDEX, "no index named '" + index + "'");
    if (spec.type() != IndexSpec.Type.VECTOR) {
      throw new KvException(
          ErrorCode.UNKNOWN_INDEX, "index '" + index + "' is not a vector index: ask GET /query");
    }
    Object rawK = json.getValue("k");
    int k = DEFAULT_K;
    if (rawK != null) {
      if (!(rawK instanceof Integer || rawK instanceof Long)
          || ((Number) rawK).longValue() < 1
          || ((Number) rawK).longValue() > MAX_K) {
        throw invalid("k must be a whole number 1.." + MAX_K + " (was " + rawK + ")");
      }
      k = ((Number) rawK).intValue();
    }
    Object rawPrefix = json.getValue("prefix");
    if (rawPrefix != null && !(rawPrefix instanceof String))
      throw invalid("prefix must be a string");
    if (!(json.getValue("vector") instanceof JsonArray array)) {
      throw invalid("field 'vector' is required: an array of " + spec.dims() + " numbers");
    }
    if (array.size() != spec.dims()) {
      throw invalid(
          "vector has " + array.size() + " numbers; index '" + index + "' takes " + spec.dims());
    }
    float[] vector = new float[array.size()];
    for (int i = 0; i < vector.length; i++) {
      if (!(array.getValue(i) instanceof Number n) || !Float.isFinite(n.floatValue())) {
        throw invalid("vector[" + i + "] must be a finite number (was " + array.getValue(i) + ")");
      }
      vector[i] = n.floatValue();
    }
    return new KnnQuery(index, vector, k, rawPrefix == null ? "" : (String) rawPrefix);
  }

  private static KvException invalid(String why) {
    return new KvException(ErrorCode.INVALID_REQUEST, why);
  }
}
