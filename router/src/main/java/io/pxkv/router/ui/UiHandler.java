package io.pxkv.router.ui;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.Requests;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * {@code GET /ui} (and {@code /ui/}): the web dashboard; {@code GET /ui/NAME}: its other files.
 * Plain HTML, CSS and JavaScript modules written by hand, served from memory ({@link UiAssets});
 * the page talks to the router's own API ({@code /admin/cluster}, {@code /admin/rebalance}, {@code
 * /kv}) from the browser.
 *
 * <p>Every answer carries an ETag and {@code Cache-Control: no-cache}: browsers keep the files but
 * ask each time, and a matching {@code If-None-Match} gets a bodiless 304, so a new router version
 * shows at once and an unchanged one costs a few bytes. The page may only load from this origin (a
 * Content-Security-Policy), which holds on a machine with no internet. Unknown files are {@code 404
 * not_found}; methods other than GET and HEAD are {@code 405}.
 */
public final class UiHandler {
  private static final String PREFIX = "/ui/";
  private static final String POLICY =
      "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'";
  private static final UiAssets ASSETS = UiAssets.load();

  private final UiAssets assets;

  UiHandler(UiAssets assets) {
    this.assets = assets;
  }

  /** A handler on the files in the jar (read once per process). */
  public static UiHandler create() {
    return new UiHandler(ASSETS);
  }

  /** Whether {@code path} is the dashboard's. */
  public static boolean owns(String path) {
    return path.equals("/ui") || path.startsWith(PREFIX);
  }

  public void handle(HttpServerRequest request) {
    HttpMethod method = request.method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      throw Requests.methodNotAllowed(request, "GET, HEAD");
    }
    String path = request.path();
    String name = path.equals("/ui") || path.equals(PREFIX) ? "index.html" : path.substring(4);
    UiAssets.Asset asset = assets.get(name);
    if (asset == null) {
      throw new KvException(ErrorCode.NOT_FOUND, "no such dashboard file: " + path);
    }
    HttpServerResponse response = request.response();
    response
        .putHeader(HttpHeaders.ETAG, asset.etag())
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("X-Content-Type-Options", "nosniff");
    String cached = request.getHeader(HttpHeaders.IF_NONE_MATCH);
    if (cached != null && cached.contains(asset.etag())) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType());
    if (name.equals("index.html")) response.putHeader("Content-Security-Policy", POLICY);
    if (method == HttpMethod.HEAD) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(asset.bytes().length)).end();
    } else {
      response.end(Buffer.buffer(asset.bytes()));
    }
  }
}
