package io.pxkv.common.auth;

import io.pxkv.common.cli.Flags;
import io.pxkv.common.cli.UsageException;
import io.pxkv.common.tls.TlsClient;
import io.pxkv.common.tls.TlsServer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The security flags routers and nodes share, declared and read in one place so both spell them the
 * same: the cluster secret, the server's TLS pair, and how to call nodes over TLS. None has a
 * default: without them a process serves plain HTTP and asks for nothing.
 */
public final class SecurityFlags {
  public static final String CLUSTER_SECRET_FILE = "cluster-secret-file";
  public static final String CLUSTER_SECRET_ENV = "PXKV_CLUSTER_SECRET";

  private SecurityFlags() {}

  /** Declares {@code --cluster-secret-file}, {@code --tls-cert}, {@code --tls-key}. */
  public static Flags declareServer(Flags flags) {
    return flags
        .option(
            CLUSTER_SECRET_FILE,
            null,
            "file holding the secret routers and nodes send each other (or the secret itself in "
                + CLUSTER_SECRET_ENV
                + "); nodes then serve only its holders")
        .option("tls-cert", null, "serve HTTPS: this certificate chain (PEM), with --tls-key")
        .option("tls-key", null, "the private key (PEM, unencrypted) of --tls-cert");
  }

  /** Declares how to call {@code https://} nodes: {@code --node-ca} and a client certificate. */
  public static Flags declareNodeClient(Flags flags) {
    return flags
        .option(
            "node-ca",
            null,
            "CA certificates (PEM) that https:// nodes' certificates must chain to (default: the"
                + " Java runtime's)")
        .option(
            "node-tls-cert",
            null,
            "client certificate (PEM) presented to nodes that require one, with --node-tls-key")
        .option("node-tls-key", null, "the private key (PEM) of --node-tls-cert");
  }

  /**
   * The cluster secret of {@code --cluster-secret-file} or {@code PXKV_CLUSTER_SECRET}, or null.
   */
  public static Secret clusterSecret(Flags flags, Map<String, String> env) throws UsageException {
    return Secrets.read(flags, CLUSTER_SECRET_FILE, env, CLUSTER_SECRET_ENV);
  }

  /** The server TLS of {@code --tls-cert}/{@code --tls-key} (and {@code clientCaFlag}), or null. */
  public static TlsServer serverTls(Flags flags, String clientCaFlag) throws UsageException {
    return TlsServer.fromFlags(flags, "tls-cert", "tls-key", clientCaFlag);
  }

  /**
   * How to call nodes: {@code --node-ca}, the client certificate of {@code --node-tls-cert} (else
   * {@code fallbackCert}/{@code fallbackKey}, may be null), and {@code secret}.
   */
  public static NodeAccess nodeAccess(
      Flags flags, Secret secret, Path fallbackCert, Path fallbackKey) throws UsageException {
    TlsClient tls =
        TlsClient.fromFlags(
            flags, "node-ca", "node-tls-cert", "node-tls-key", fallbackCert, fallbackKey);
    return new NodeAccess(tls, secret);
  }
}
