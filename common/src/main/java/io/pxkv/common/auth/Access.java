package io.pxkv.common.auth;

import io.pxkv.common.metrics.Route;

/**
 * What a call needs when tokens are on: nothing ({@code /health}, the dashboard's files, the
 * OpenAPI document), the data token ({@code /kv}, {@code /query}: reading and writing keys), or the
 * admin token ({@code /admin/*}, {@code /metrics}, and the nodes' internal calls). The admin token
 * is enough for every call. On a node every call but an open one needs the cluster secret.
 */
public enum Access {
  OPEN,
  DATA,
  ADMIN;

  /**
   * The access {@code route} needs. The switch names every route and has no default, so a route
   * added to {@link Route} does not compile until it is classed here; an unknown path ({@link
   * Route#OTHER}) needs the data token, so a call added without a route of its own is never open.
   */
  public static Access of(Route route) {
    return switch (route) {
      case HEALTH, UI, OPENAPI -> OPEN;
      case KV_KEY, KV_PAGE, KV_ALL, QUERY, OTHER -> DATA;
      case METRICS,
          ADMIN_STATS,
          ADMIN_CLUSTER,
          ADMIN_REBALANCE,
          ADMIN_COMPACT,
          ADMIN_EXPORT,
          ADMIN_IMPORT,
          PUT_BATCH,
          INTERNAL_IMPORT,
          INTERNAL_HANDOFF,
          INTERNAL_TOMBSTONE,
          INTERNAL_READ,
          INTERNAL_SCAN,
          INTERNAL_VIEW,
          INTERNAL_PUSH_STRAYS ->
          ADMIN;
    };
  }
}
