package io.pxkv.common.auth;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.Requests;
import io.pxkv.common.metrics.Route;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.security.MessageDigest;

/**
 * The one check a server makes before dispatching a request: does it carry what its route needs
 * ({@link Access})? A router checks {@code Authorization: Bearer TOKEN} against its {@link Tokens};
 * a node checks it against the cluster secret, which the router and the other nodes send, so
 * reaching a node's port does not get around the router. A call without the header (or with another
 * scheme) is answered {@code 401 unauthorized} with {@code WWW-Authenticate: Bearer}; a token that
 * is not valid, or the data token on an admin call, {@code 403 forbidden}. A refused call is
 * answered before any of it is dispatched, so it reads and changes nothing; if it was sending a
 * body, the connection is closed after the answer rather than the body read.
 *
 * <p>The presented token is hashed (SHA-256) and compared with each secret's digest in constant
 * time, every secret every time. Messages name what is needed, never a token.
 *
 * <p>Threading: one instance per event loop (it owns a digester).
 */
public final class AuthGate {
  private static final CharSequence WWW_AUTHENTICATE =
      HttpHeaders.createOptimized("WWW-Authenticate");
  private static final CharSequence CHALLENGE =
      HttpHeaders.createOptimized("Bearer realm=\"px-kvstore\"");

  private final Secret data;
  private final Secret admin;
  private final boolean node;
  private final MessageDigest sha256;

  private AuthGate(Secret data, Secret admin, boolean node) {
    this.data = data;
    this.admin = admin;
    this.node = node;
    this.sha256 = admin == null ? null : Secret.sha256();
  }

  /** A router's gate: open when {@code tokens} are off. */
  public static AuthGate router(Tokens tokens) {
    return new AuthGate(tokens.data(), tokens.admin(), false);
  }

  /** A node's gate: every call but an open one needs {@code clusterSecret}; null is open. */
  public static AuthGate node(Secret clusterSecret) {
    return new AuthGate(null, clusterSecret, true);
  }

  /** Whether this gate lets every call through. */
  public boolean open() {
    return admin == null;
  }

  /** Whether {@code request} may be served; if not, it has been answered. */
  public boolean admit(HttpServerRequest request) {
    if (admin == null) return true;
    Access needed = Access.of(Route.of(request));
    if (needed == Access.OPEN) return true;
    String presented = bearer(request.getHeader(HttpHeaders.AUTHORIZATION));
    if (presented == null) {
      request.response().putHeader(WWW_AUTHENTICATE, CHALLENGE);
      return refuse(request, ErrorCode.UNAUTHORIZED, missing());
    }
    byte[] digest = Secret.digest(sha256, presented);
    // Both comparisons always run: which one matched must not show in the time taken.
    boolean isAdmin = admin.matches(digest);
    boolean isData = data != null && data.matches(digest);
    if (isAdmin || (isData && needed == Access.DATA)) return true;
    return refuse(
        request,
        ErrorCode.FORBIDDEN,
        isData ? "this call needs the admin token; the data token is not enough" : wrong());
  }

  private String missing() {
    return node
        ? "a node serves only its cluster: send Authorization: Bearer with the cluster secret"
        : "this call needs a token: send Authorization: Bearer TOKEN";
  }

  private String wrong() {
    return node ? "that is not this cluster's secret" : "the token is not valid for this router";
  }

  private static boolean refuse(HttpServerRequest request, ErrorCode code, String message) {
    if (Requests.hasBody(request) && !request.isEnded()) {
      // The body is not wanted; reading it to keep the connection would cost as much as serving.
      request.response().putHeader(Headers.CONNECTION, "close");
    }
    ErrorResponses.send(request.response(), new KvException(code, message));
    return false;
  }

  /**
   * The token of an {@code Authorization: Bearer TOKEN} header value, or null when there is none:
   * no header, another scheme, or nothing after it. The scheme is case-insensitive (RFC 7235).
   */
  static String bearer(String header) {
    if (header == null || header.length() < 8) return null;
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    String token = header.substring(7).strip();
    return token.isEmpty() ? null : token;
  }
}
