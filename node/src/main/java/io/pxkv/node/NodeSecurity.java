package io.pxkv.node;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.auth.Secret;
import io.pxkv.common.auth.SecurityFlags;
import io.pxkv.common.cli.Flags;
import io.pxkv.common.cli.UsageException;
import io.pxkv.common.tls.TlsServer;
import java.util.Map;

/**
 * A node's security: the cluster secret every call but {@code /health} must carry (null: open), its
 * TLS (null: plain HTTP; with a client CA, mutual TLS), and how it calls other nodes when it pushes
 * keys to them (the same secret; its own certificate as the client one unless told otherwise).
 */
public record NodeSecurity(Secret clusterSecret, TlsServer tls, NodeAccess peers) {
  public static final NodeSecurity NONE = new NodeSecurity(null, null, NodeAccess.NONE);

  static Flags declare(Flags flags) {
    SecurityFlags.declareServer(flags)
        .option(
            "tls-client-ca",
            null,
            "mutual TLS: callers must present a certificate chaining to these CAs (PEM)");
    return SecurityFlags.declareNodeClient(flags);
  }

  static NodeSecurity read(Flags flags, Map<String, String> env) throws UsageException {
    Secret secret = SecurityFlags.clusterSecret(flags, env);
    TlsServer tls = SecurityFlags.serverTls(flags, "tls-client-ca");
    NodeAccess peers =
        SecurityFlags.nodeAccess(
            flags, secret, tls == null ? null : tls.cert(), tls == null ? null : tls.key());
    return new NodeSecurity(secret, tls, peers);
  }

  @Override
  public String toString() {
    return (clusterSecret == null ? "no cluster secret" : "cluster secret")
        + ", "
        + (tls == null ? "plain HTTP" : tls.clientCa() == null ? "HTTPS" : "HTTPS, mutual TLS");
  }
}
