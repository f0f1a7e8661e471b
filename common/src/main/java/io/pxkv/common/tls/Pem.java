package io.pxkv.common.tls;

import io.pxkv.common.cli.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/**
 * Checks the PEM files a TLS flag names before anything starts, so a wrong path or a key given for
 * a certificate is a one-line usage error (exit 2) rather than a failure to listen, or to call a
 * node, later. The files are read again by Vert.x when a server or client is made.
 */
public final class Pem {
  private Pem() {}

  /**
   * {@code file} holds at least one X.509 certificate in PEM; {@code flag} names it in messages.
   */
  public static Path certificates(String flag, String file) throws UsageException {
    Path path = Path.of(file);
    try (InputStream in = Files.newInputStream(path)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new UsageException("--" + flag + " " + file + ": holds no certificate");
      }
    } catch (NoSuchFileException e) {
      throw new UsageException("--" + flag + " " + file + ": no such file");
    } catch (CertificateException e) {
      throw new UsageException("--" + flag + " " + file + ": not a PEM certificate");
    } catch (IOException e) {
      throw new UsageException("--" + flag + " " + file + ": cannot read it (" + e + ")");
    }
    return path;
  }

  /**
   * {@code file} holds a private key in PEM: PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code openssl
   * pkcs12 -nodes} and {@code openssl genpkey} write) or PKCS#1 RSA ({@code BEGIN RSA PRIVATE
   * KEY}). The key itself is never put in a message.
   */
  public static Path privateKey(String flag, String file) throws UsageException {
    Path path = Path.of(file);
    String text;
    try {
      text = Files.readString(path, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new UsageException("--" + flag + " " + file + ": no such file");
    } catch (IOException | RuntimeException e) {
      throw new UsageException(
          "--" + flag + " " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
    }
    if (text.contains("ENCRYPTED PRIVATE KEY")) {
      throw new UsageException(
          "--" + flag + " " + file + ": the key is encrypted; give it without a passphrase");
    }
    if (!text.contains("-----BEGIN PRIVATE KEY-----")
        && !text.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      throw new UsageException(
          "--" + flag + " " + file + ": not a PEM private key (BEGIN PRIVATE KEY)");
    }
    return path;
  }
}
