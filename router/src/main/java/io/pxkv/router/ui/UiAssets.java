package io.pxkv.router.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's files, read once from the jar's {@code ui/} resources into memory (a few tens of
 * KiB). Only the files named in {@link #NAMES} exist: a request names one of them exactly or gets a
 * 404, so no path (with {@code ..}, escapes or slashes) can reach any other file.
 */
final class UiAssets {
  /** Every file of the dashboard; {@code UiAssetsTest} checks this against the resources. */
  static final List<String> NAMES =
      List.of(
          "index.html",
          "style.css",
          "app.js",
          "api.js",
          "ring.js",
          "nodes.js",
          "moves.js",
          "keys.js",
          "rawjson.js",
          "favicon.svg");

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "svg", "image/svg+xml");

  /** One file: its bytes, Content-Type and entity tag (a hash of the bytes). */
  record Asset(String name, byte[] bytes, String contentType, String etag) {}

  private final Map<String, Asset> byName;

  private UiAssets(Map<String, Asset> byName) {
    this.byName = byName;
  }

  /** Reads every file; a missing one is a broken build, reported at once. */
  static UiAssets load() {
    Map<String, Asset> byName = new LinkedHashMap<>();
    for (String name : NAMES) {
      byte[] bytes = read("ui/" + name);
      byName.put(name, new Asset(name, bytes, contentType(name), etag(bytes)));
    }
    return new UiAssets(byName);
  }

  /** The file called exactly {@code name}, or null. */
  Asset get(String name) {
    return byName.get(name);
  }

  static String contentType(String name) {
    String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
    if (type == null) throw new IllegalArgumentException("no Content-Type for " + name);
    return type;
  }

  private static byte[] read(String resource) {
    try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null)
        throw new IllegalStateException("dashboard file missing from the jar: " + resource);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
