package io.pxkv.common.tls;

import io.pxkv.common.cli.Flags;
import io.pxkv.common.cli.UsageException;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;

/**
 * A server's TLS: its certificate chain and private key (PEM), and, for mutual TLS, the CA whose
 * certificates clients must present ({@code clientCa}; null: no client certificate asked for).
 *
 * @param cert the certificate chain, the server's own first
 * @param key its private key, unencrypted PKCS#8 or PKCS#1
 * @param clientCa null, or the CA certificates a client's certificate must chain to
 */
public record TlsServer(Path cert, Path key, Path clientCa) {

  /** {@code options} serving TLS with this pair, asking for client certificates if configured. */
  public HttpServerOptions applyTo(HttpServerOptions options) {
    options
        .setSsl(true)
        .setKeyCertOptions(
            new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()));
    if (clientCa != null) {
      options
          .setTrustOptions(new PemTrustOptions().addCertPath(clientCa.toString()))
          .setClientAuth(ClientAuth.REQUIRED);
    }
    return options;
  }

  /**
   * The server TLS of flags {@code certFlag} and {@code keyFlag} (both or neither) and, when not
   * null, {@code clientCaFlag} (only with the pair); null when TLS is not asked for.
   */
  public static TlsServer fromFlags(Flags f, String certFlag, String keyFlag, String clientCaFlag)
      throws UsageException {
    String cert = f.optional(certFlag);
    String key = f.optional(keyFlag);
    String clientCa = clientCaFlag == null ? null : f.optional(clientCaFlag);
    if (cert == null && key == null) {
      if (clientCa != null) {
        throw new UsageException(
            "--" + clientCaFlag + " needs --" + certFlag + " and --" + keyFlag + " (TLS)");
      }
      return null;
    }
    if (cert == null || key == null) {
      throw new UsageException("--" + certFlag + " and --" + keyFlag + " go together");
    }
    return new TlsServer(
        Pem.certificates(certFlag, cert),
        Pem.privateKey(keyFlag, key),
        clientCa == null ? null : Pem.certificates(clientCaFlag, clientCa));
  }
}
