package io.pxkv.common.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One value index of the cluster file's {@code indexes}: which part of every value ({@code path}, a
 * JSON Pointer, RFC 6901) is indexed, as what. It travels with the layout inside the cluster state,
 * so every node of a view indexes the same things, and a change of indexes is a new view.
 *
 * @param name the name queries use: 1..64 letters, digits, '.', '_' or '-'
 * @param path a JSON Pointer: "" (the whole value) or "/a/b"
 * @param type what the value at the path must be to be indexed
 * @param dims a vector's length (1..4096); 0 for the other types
 * @param metric how vectors are compared; null for the other types
 */
public record IndexSpec(String name, String path, Type type, int dims, Metric metric) {
  public static final int MAX_DIMS = 4096;

  public enum Type {
    NUMBER,
    STRING,
    VECTOR;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How near two vectors are; {@link #higherIsNearer} tells the order of scores. */
  public enum Metric {
    /** Cosine similarity, -1..1. */
    COSINE,
    /** Euclidean distance. */
    L2,
    /** Dot product. */
    DOT;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public boolean higherIsNearer() {
      return this != L2;
    }
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("path", path).put("type", type.id());
    if (type == Type.VECTOR) json.put("dims", dims).put("metric", metric.id());
    return json;
  }

  /** The value at {@link #path} in a decoded JSON value, or null if there is none. */
  public Object at(Object value) {
    Object at = value;
    if (path.isEmpty()) return at;
    for (String token : path.substring(1).split("/", -1)) {
      String name = token.replace("~1", "/").replace("~0", "~");
      if (at instanceof JsonObject o) {
        at = o.getValue(name);
      } else if (at instanceof JsonArray a) {
        int i = arrayIndex(name);
        if (i < 0 || i >= a.size()) return null;
        at = a.getValue(i);
      } else {
        return null;
      }
      if (at == null) return null;
    }
    return at;
  }

  private static int arrayIndex(String token) {
    if (token.isEmpty() || token.length() > 9) return -1;
    if (token.length() > 1 && token.charAt(0) == '0') return -1;
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) < '0' || token.charAt(i) > '9') return -1;
    }
    return Integer.parseInt(token);
  }

  /** Reads the {@code indexes} list of a cluster file, adding what is wrong to {@code problems}. */
  static List<IndexSpec> readAll(Object raw, List<String> problems) {
    if (raw == null) return List.of();
    if (!(raw instanceof JsonArray array)) {
      problems.add("indexes: must be a list (was " + raw + ")");
      return List.of();
    }
    List<IndexSpec> specs = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < array.size(); i++) {
      String at = "indexes[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject json)) {
        problems.add(at + ": must be an object with \"name\", \"path\" and \"type\"");
        continue;
      }
      IndexSpec spec = read(json, at, problems);
      if (json.getValue("name") instanceof String name) {
        Integer first = seen.putIfAbsent(name, i);
        if (first != null) {
          problems.add(at + ".name: duplicate of indexes[" + first + "].name (" + name + ")");
          continue;
        }
      }
      if (spec != null) specs.add(spec);
    }
    return List.copyOf(specs);
  }

  private static IndexSpec read(JsonObject json, String at, List<String> problems) {
    int before = problems.size();
    Object name = json.getValue("name");
    if (!(name instanceof String n) || !ClusterConfig.isValidClusterId(n)) {
      problems.add(at + ".name: must be 1..64 letters, digits, '.', '_' or '-' (was " + name + ")");
    }
    Object path = json.getValue("path");
    if (!(path instanceof String p) || !(p.isEmpty() || p.startsWith("/")) || !validEscapes(p)) {
      problems.add(at + ".path: must be a JSON Pointer such as \"/price\" (was " + path + ")");
    }
    Type type = null;
    Object rawType = json.getValue("type");
    for (Type t : Type.values()) {
      if (t.id().equals(rawType)) type = t;
    }
    if (type == null) {
      problems.add(at + ".type: must be number, string or vector (was " + rawType + ")");
    }
    int dims = 0;
    Metric metric = null;
    Object rawDims = json.getValue("dims");
    Object rawMetric = json.getValue("metric");
    if (type == Type.VECTOR) {
      if (!(rawDims instanceof Integer || rawDims instanceof Long)
          || ((Number) rawDims).longValue() < 1
          || ((Number) rawDims).longValue() > MAX_DIMS) {
        problems.add(
            at + ".dims: a vector index needs dims 1.." + MAX_DIMS + " (was " + rawDims + ")");
      } else {
        dims = ((Number) rawDims).intValue();
      }
      if (rawMetric == null) {
        metric = Metric.COSINE;
      } else {
        for (Metric m : Metric.values()) {
          if (m.id().equals(rawMetric)) metric = m;
        }
        if (metric == null) {
          problems.add(at + ".metric: must be cosine, l2 or dot (was " + rawMetric + ")");
        }
      }
    } else if (type != null && (rawDims != null || rawMetric != null)) {
      problems.add(at + ": dims and metric are for vector indexes only");
    }
    if (problems.size() > before) return null;
    return new IndexSpec((String) name, (String) path, type, dims, metric);
  }

  private static boolean validEscapes(String path) {
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '~'
          && (i + 1 >= path.length() || (path.charAt(i + 1) != '0' && path.charAt(i + 1) != '1'))) {
        return false;
      }
    }
    return true;
  }
}
