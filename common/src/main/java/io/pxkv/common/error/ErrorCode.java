package io.pxkv.common.error;

/**
 * Every error a client can see, with its HTTP status and the stable code string that goes in the
 * {@code "error"} field of the JSON body. One table, used by the node and the router alike.
 */
public enum ErrorCode {
  INVALID_JSON(400, "invalid_json"),
  INVALID_KEY(400, "invalid_key"),
  MISSING_VALUE(400, "missing_value"),
  INVALID_VALUE(400, "invalid_value"),
  INVALID_CURSOR(400, "invalid_cursor"),
  INVALID_LIMIT(400, "invalid_limit"),
  INVALID_REQUEST(400, "invalid_request"),
  /** A query names an index the cluster does not declare (or not of the kind the query needs). */
  UNKNOWN_INDEX(400, "unknown_index"),
  /** A call that needs a token (or, on a node, the cluster secret) came without one. */
  UNAUTHORIZED(401, "unauthorized"),
  /** A token that is not valid here, or not enough for the call (the data token on /admin). */
  FORBIDDEN(403, "forbidden"),
  NOT_FOUND(404, "not_found"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  /**
   * A request routed by a view (epoch) other than the one the node serves, or a write it fenced.
   */
  STALE_VIEW(409, "stale_view"),
  /**
   * A view change from a router that does not hold the node's coordinator lease while another
   * router does.
   */
  NOT_COORDINATOR(409, "not_coordinator"),
  /** A request or state of another cluster than the node's. */
  WRONG_CLUSTER(409, "wrong_cluster"),
  VALUE_TOO_LARGE(413, "value_too_large"),
  BODY_TOO_LARGE(413, "body_too_large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  STORAGE_FAILURE(500, "storage_failure"),
  INTERNAL(500, "internal"),
  NODE_UNAVAILABLE(503, "node_unavailable"),
  UNAVAILABLE(503, "unavailable"),
  /**
   * Fewer replicas than the write (or read) quorum answered before the deadline; the message names
   * how many did.
   */
  QUORUM_NOT_REACHED(503, "quorum_not_reached"),
  /** The index is being built (added to a running cluster, or after a restart): ask again. */
  INDEX_BUILDING(503, "index_building"),
  UPSTREAM_TIMEOUT(504, "upstream_timeout"),
  INSUFFICIENT_STORAGE(507, "insufficient_storage");

  private final int status;
  private final String code;

  ErrorCode(int status, String code) {
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  /** The string clients match on; never change one that has shipped. */
  public String code() {
    return code;
  }

  /**
   * The code with this {@code "error"} string, or {@link #INTERNAL} for one this build does not
   * know.
   */
  public static ErrorCode byCode(String code) {
    for (ErrorCode c : values()) {
      if (c.code.equals(code)) return c;
    }
    return INTERNAL;
  }

  public boolean isClientError() {
    return status >= 400 && status < 500;
  }
}
