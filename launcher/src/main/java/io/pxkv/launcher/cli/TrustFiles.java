package io.pxkv.launcher.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The TLS context of {@code --cacert}: trusts exactly the CA certificates of a PEM file. */
final class TrustFiles {
  private TrustFiles() {}

  static SSLContext context(String file) throws CliException {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      Collection<? extends Certificate> cas =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (cas.isEmpty()) throw CliException.usage("--cacert " + file + ": holds no certificate");
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate ca : cas) trust.setCertificateEntry("ca-" + i++, ca);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (NoSuchFileException e) {
      throw CliException.usage("--cacert " + file + ": no such file");
    } catch (IOException | GeneralSecurityException e) {
      throw CliException.usage(
          "--cacert " + file + ": not PEM certificates (" + e.getMessage() + ")");
    }
  }
}
