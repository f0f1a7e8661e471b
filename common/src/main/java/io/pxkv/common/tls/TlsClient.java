package io.pxkv.common.tls;

import io.pxkv.common.cli.Flags;
import io.pxkv.common.cli.UsageException;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;

/**
 * How a process calls nodes served over TLS ({@code https://} in the cluster file): whose
 * certificates it trusts, and the certificate it presents when a node asks for one (mutual TLS).
 * The node's name in its URL must be in its certificate (host name verification is always on).
 *
 * @param ca null: the Java runtime's trusted CAs; else the CA certificates (PEM) node certificates
 *     must chain to
 * @param cert null, or the client certificate chain (PEM) to present
 * @param key the client certificate's private key (PEM), with {@code cert}
 */
public record TlsClient(Path ca, Path cert, Path key) {
  /** The runtime's trusted CAs, no client certificate. */
  public static final TlsClient DEFAULT = new TlsClient(null, null, null);

  /** {@code options} with this trust and client certificate; TLS on when {@code https}. */
  public NetClientOptions applyTo(NetClientOptions options, boolean https) {
    configure(options, https);
    // A NetClient checks no host name unless told; an HTTP client does by default (verifyHost).
    return options.setHostnameVerificationAlgorithm(https ? "HTTPS" : "");
  }

  /** {@code options} with this trust and client certificate; TLS on when {@code https}. */
  public HttpClientOptions applyTo(HttpClientOptions options, boolean https) {
    configure(options, https);
    return options.setVerifyHost(true);
  }

  private void configure(ClientOptionsBase options, boolean https) {
    options.setSsl(https);
    if (ca != null) options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
    if (cert != null) {
      options.setKeyCertOptions(
          new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()));
    }
  }

  /**
   * The client TLS of flags {@code caFlag}, {@code certFlag} and {@code keyFlag} (the last two
   * together), falling back to {@code fallbackCert} and {@code fallbackKey} (may be null) for the
   * client certificate.
   */
  public static TlsClient fromFlags(
      Flags f, String caFlag, String certFlag, String keyFlag, Path fallbackCert, Path fallbackKey)
      throws UsageException {
    String ca = f.optional(caFlag);
    String cert = f.optional(certFlag);
    String key = f.optional(keyFlag);
    if ((cert == null) != (key == null)) {
      throw new UsageException("--" + certFlag + " and --" + keyFlag + " go together");
    }
    Path caPath = ca == null ? null : Pem.certificates(caFlag, ca);
    if (cert != null) {
      return new TlsClient(caPath, Pem.certificates(certFlag, cert), Pem.privateKey(keyFlag, key));
    }
    return new TlsClient(caPath, fallbackCert, fallbackKey);
  }
}
