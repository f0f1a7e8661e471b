package io.pxkv.common.auth;

import io.pxkv.common.tls.TlsClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.NetClientOptions;

/**
 * What a process needs to call nodes (a router, or a node pushing keys to another): the TLS trust
 * and client certificate for nodes whose URL is {@code https://}, and the cluster secret it sends
 * as {@code Authorization: Bearer} on every call (none when the cluster has no secret).
 *
 * @param tls trust and client certificate, for {@code https://} nodes
 * @param clusterSecret null, or the secret every call carries
 */
public record NodeAccess(TlsClient tls, Secret clusterSecret) {
  /** Plain calls (TLS with the runtime's CAs for an {@code https://} node), no secret. */
  public static final NodeAccess NONE = new NodeAccess(TlsClient.DEFAULT, null);

  /** The {@code Authorization} header value of every call, or null without a secret. */
  public String authorization() {
    return clusterSecret == null ? null : clusterSecret.authorization();
  }

  /** {@code options} for calls to a node; TLS when its URL is {@code https://}. */
  public NetClientOptions applyTo(NetClientOptions options, boolean https) {
    return tls.applyTo(options, https);
  }

  /** {@code options} for calls to a node; TLS when its URL is {@code https://}. */
  public HttpClientOptions applyTo(HttpClientOptions options, boolean https) {
    return tls.applyTo(options, https);
  }
}
