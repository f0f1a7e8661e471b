package io.pxkv.common.metrics;

import io.pxkv.common.http.Requests;
import io.pxkv.common.kv.KeyPaths;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * What a request asks for, as the {@code route} label of the request meters: a fixed, small set of
 * names, never the raw path (a key in {@code /kv/{key}} would make a series per key). Names the
 * router and the node share mean the same call on both.
 */
public enum Route {
  /** One key: {@code GET/PUT/DELETE /kv/{key}}, {@code /kv?key=K}, PUT or DELETE {@code /kv}. */
  KV_KEY("kv_key"),
  /** A page of a listing: {@code GET /kv?prefix=..&limit=..&cursor=..&match=..}. */
  KV_PAGE("kv_page"),
  /** The whole listing, streamed: {@code GET /kv}. */
  KV_ALL("kv_all"),
  PUT_BATCH("put_batch"),
  QUERY("query"),
  HEALTH("health"),
  METRICS("metrics"),
  ADMIN_STATS("admin_stats"),
  ADMIN_CLUSTER("admin_cluster"),
  ADMIN_REBALANCE("admin_rebalance"),
  ADMIN_COMPACT("admin_compact"),
  ADMIN_EXPORT("admin_export"),
  ADMIN_IMPORT("admin_import"),
  INTERNAL_IMPORT("internal_import"),
  INTERNAL_HANDOFF("internal_handoff"),
  INTERNAL_TOMBSTONE("internal_tombstone"),
  INTERNAL_READ("internal_read"),
  INTERNAL_SCAN("internal_scan"),
  INTERNAL_VIEW("internal_view"),
  INTERNAL_PUSH_STRAYS("internal_push_strays"),
  UI("ui"),
  OPENAPI("openapi"),
  /** Anything else: unknown paths (404). */
  OTHER("other");

  private static final Route[] ALL = values();

  private final String label;

  Route(String label) {
    this.label = label;
  }

  /** The label value. */
  public String label() {
    return label;
  }

  static int count() {
    return ALL.length;
  }

  /** The route of {@code request}, from its method, path and (for {@code /kv}) query. */
  public static Route of(HttpServerRequest request) {
    String path = request.path();
    if (path.equals("/kv")) return collection(request);
    if (KeyPaths.isKeyPath(path)) return KV_KEY;
    return byPath(path);
  }

  private static Route collection(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET) return KV_KEY;
    String query = request.query();
    if (query == null || query.isEmpty()) {
      // GET /kv with a body {"key":K} reads one key (the original JSON-body API).
      return Requests.hasBody(request) ? KV_KEY : KV_ALL;
    }
    return hasParam(query, "key") ? KV_KEY : KV_PAGE;
  }

  static Route byPath(String path) {
    switch (path) {
      case "/health":
        return HEALTH;
      case "/metrics":
        return METRICS;
      case "/internal/put-batch":
        return PUT_BATCH;
      case "/admin/stats":
        return ADMIN_STATS;
      case "/admin/cluster":
        return ADMIN_CLUSTER;
      case "/admin/rebalance":
        return ADMIN_REBALANCE;
      case "/admin/compact":
        return ADMIN_COMPACT;
      case "/admin/export":
        return ADMIN_EXPORT;
      case "/admin/import":
        return ADMIN_IMPORT;
      case "/internal/import":
        return INTERNAL_IMPORT;
      case "/internal/handoff":
        return INTERNAL_HANDOFF;
      case "/internal/tombstone":
        return INTERNAL_TOMBSTONE;
      case "/internal/read":
        return INTERNAL_READ;
      case "/internal/scan":
        return INTERNAL_SCAN;
      case "/internal/push-strays":
        return INTERNAL_PUSH_STRAYS;
      case "/openapi.yaml":
        return OPENAPI;
      default:
        if (path.equals("/ui") || path.startsWith("/ui/")) return UI;
        if (path.startsWith("/internal/view")) return INTERNAL_VIEW;
        if (path.equals("/query") || path.startsWith("/query/")) return QUERY;
        return OTHER;
    }
  }

  /** Whether the raw query has a parameter {@code name} (separated by {@code &} or {@code ;}). */
  static boolean hasParam(String query, String name) {
    int at = 0;
    while (at < query.length()) {
      if (query.startsWith(name, at)) {
        int after = at + name.length();
        if (after == query.length()) return true;
        char c = query.charAt(after);
        if (c == '=' || c == '&' || c == ';') return true;
      }
      int amp = nextSeparator(query, at);
      if (amp < 0) return false;
      at = amp + 1;
    }
    return false;
  }

  private static int nextSeparator(String query, int from) {
    for (int i = from; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c == '&' || c == ';') return i;
    }
    return -1;
  }
}
