package io.pxkv.router.listing;

import io.pxkv.common.kv.KeyGlob;
import io.pxkv.common.kv.KeyOrder;
import io.vertx.core.http.HttpServerRequest;

/**
 * Which keys a paged listing gives: {@code prefix=P} (keys starting with P), {@code match=GLOB}
 * ({@link KeyGlob}), {@code start=A} and {@code end=B} ({@code A <= key < B} in {@link
 * KeyOrder#UTF8} order); each optional, all of them at once when several are given. Nodes are asked
 * for the longest prefix every such key has ({@link #nodePrefix}); the glob and the range are
 * checked by the router on the merged records.
 *
 * @param prefix "" for every key
 * @param glob null for none
 * @param start null for none (an empty parameter is none)
 * @param end null for none (an empty parameter is none)
 */
public record ListingQuery(String prefix, KeyGlob glob, String start, String end) {

  /** True when the request has any parameter that selects a paged listing. */
  public static boolean isPaged(HttpServerRequest request) {
    for (String name : new String[] {"prefix", "limit", "cursor", "match", "start", "end"}) {
      if (request.getParam(name) != null) return true;
    }
    return false;
  }

  static ListingQuery of(HttpServerRequest request) {
    String match = request.getParam("match");
    return new ListingQuery(
        request.getParam("prefix", ""),
        match == null ? null : KeyGlob.parse(match),
        emptyIsNone(request.getParam("start")),
        emptyIsNone(request.getParam("end")));
  }

  /** The glob's text, or null. */
  String match() {
    return glob == null ? null : glob.text();
  }

  /**
   * The prefix to ask nodes for: the longer of {@link #prefix} and the glob's literal prefix, or
   * null when they contradict each other and no key can match.
   */
  String nodePrefix() {
    String literal = glob == null ? "" : glob.literalPrefix();
    if (literal.startsWith(prefix)) return literal;
    if (prefix.startsWith(literal)) return prefix;
    return null;
  }

  /** Whether nothing can be listed: contradicting prefixes, or an empty range. */
  boolean empty() {
    return nodePrefix() == null
        || (start != null && end != null && KeyOrder.UTF8.compare(start, end) >= 0);
  }

  /** Whether {@code key}, from a node asked for {@link #nodePrefix}, is one to list. */
  boolean admits(String key) {
    return key.startsWith(prefix)
        && (start == null || KeyOrder.UTF8.compare(key, start) >= 0)
        && !pastEnd(key)
        && (glob == null || glob.matches(key));
  }

  /** Whether {@code key} and every key after it are beyond the range. */
  boolean pastEnd(String key) {
    return end != null && KeyOrder.UTF8.compare(key, end) >= 0;
  }

  private static String emptyIsNone(String param) {
    return param == null || param.isEmpty() ? null : param;
  }
}
