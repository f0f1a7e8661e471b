package io.pxkv.launcher.cli;

import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.KeyRules;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Keys and parameters in URLs, as the router reads them (docs/API.md, "Keys in URLs"): a key in a
 * path is percent-encoded UTF-8, every byte but the unreserved ones escaped ({@code /} too, as
 * {@code %2F}); a query value is form-encoded ({@code +} for a space, {@code %2B} for a plus).
 */
final class UrlParts {
  private UrlParts() {}

  /** {@code /kv/<key>}, the key checked by the router's rules first. */
  static String keyPath(String key) throws CliException {
    try {
      KeyRules.validate(key);
    } catch (KvException e) {
      throw CliException.usage(e.getMessage());
    }
    return "/kv/" + pathSegment(key);
  }

  static String pathSegment(String s) {
    // URLEncoder form-encodes: its '+' is a space, which a path spells %20; a literal '+' it has
    // already turned into %2B. '*' is left as is, which RFC 3986 allows in a path segment.
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String query(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
