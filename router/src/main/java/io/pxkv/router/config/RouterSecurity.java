package io.pxkv.router.config;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.auth.Secrets;
import io.pxkv.common.auth.SecurityFlags;
import io.pxkv.common.auth.Tokens;
import io.pxkv.common.cli.Flags;
import io.pxkv.common.cli.UsageException;
import io.pxkv.common.tls.TlsServer;
import java.util.Map;

/**
 * A router's security: the tokens its clients must show, its own TLS (null: plain HTTP), and how it
 * calls nodes (TLS trust, client certificate, the cluster secret). {@link #NONE} is the default:
 * plain HTTP both ways, no tokens, no secret.
 */
public record RouterSecurity(Tokens tokens, TlsServer tls, NodeAccess nodes) {
  public static final RouterSecurity NONE = new RouterSecurity(Tokens.NONE, null, NodeAccess.NONE);

  /** Declares the router's token, TLS and cluster-secret flags. */
  static Flags declare(Flags flags) {
    declareTokens(flags);
    SecurityFlags.declareServer(flags);
    return SecurityFlags.declareNodeClient(flags);
  }

  /** Declares {@code --data-token-file} and {@code --admin-token-file}. */
  public static Flags declareTokens(Flags flags) {
    return flags
        .option(
            "data-token-file",
            null,
            "file holding the token /kv and /query calls need (or the token itself in"
                + " PXKV_DATA_TOKEN); needs an admin token too")
        .option(
            "admin-token-file",
            null,
            "file holding the token every call but /health needs (or the token itself in"
                + " PXKV_ADMIN_TOKEN); turns tokens on");
  }

  /** Reads what {@link #declare} declared, from parsed {@code flags} and {@code env}. */
  static RouterSecurity read(Flags flags, Map<String, String> env) throws UsageException {
    Tokens tokens = readTokens(flags, env);
    TlsServer tls = SecurityFlags.serverTls(flags, null);
    NodeAccess nodes =
        SecurityFlags.nodeAccess(flags, SecurityFlags.clusterSecret(flags, env), null, null);
    return new RouterSecurity(tokens, tls, nodes);
  }

  /** The tokens of what {@link #declareTokens} declared; {@link Tokens#NONE} when none is given. */
  public static Tokens readTokens(Flags flags, Map<String, String> env) throws UsageException {
    var data = Secrets.read(flags, "data-token-file", env, "PXKV_DATA_TOKEN");
    var admin = Secrets.read(flags, "admin-token-file", env, "PXKV_ADMIN_TOKEN");
    try {
      return new Tokens(data, admin);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  @Override
  public String toString() {
    return tokens
        + ", "
        + (tls == null ? "plain HTTP" : "HTTPS")
        + ", "
        + (nodes.clusterSecret() == null ? "no cluster secret" : "cluster secret");
  }
}
