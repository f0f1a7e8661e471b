package io.pxkv.router.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA and certificates it signed, made in a temporary directory with the JDK's {@code
 * keytool} (the JDK has no public API to sign a certificate), then written as the PEM files the
 * flags take: {@code ca.pem}, and for each name {@code NAME.pem} (its certificate, then the CA's)
 * and {@code NAME.key} (its PKCS#8 private key). Every certificate is for {@code localhost} and
 * {@code 127.0.0.1}, valid for two days.
 */
final class TestCertificates {
  private static final String PASS = "test-pass";

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** A CA in {@code dir} and a certificate for each of {@code names}. */
  static TestCertificates make(Path dir, String... names) throws Exception {
    Files.createDirectories(dir);
    TestCertificates c = new TestCertificates(dir);
    c.keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=px-kvstore test CA",
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        c.store("ca"),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASS,
        "-keypass",
        PASS);
    c.keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        c.store("ca"),
        "-storepass",
        PASS,
        "-file",
        dir.resolve("ca.pem").toString());
    for (String name : names) c.leaf(name);
    return c;
  }

  private void leaf(String name) throws Exception {
    keytool(
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=" + name,
        "-validity",
        "2",
        "-keystore",
        store(name),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASS,
        "-keypass",
        PASS);
    Path csr = dir.resolve(name + ".csr");
    keytool(
        "-certreq",
        "-alias",
        name,
        "-keystore",
        store(name),
        "-storepass",
        PASS,
        "-file",
        csr.toString());
    Path signed = dir.resolve(name + ".signed.pem");
    keytool(
        "-gencert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        store("ca"),
        "-storepass",
        PASS,
        "-infile",
        csr.toString(),
        "-outfile",
        signed.toString(),
        "-validity",
        "2",
        "-ext",
        "san=dns:localhost,ip:127.0.0.1",
        "-ext",
        "eku=serverAuth,clientAuth");
    Files.writeString(
        cert(name), Files.readString(signed) + Files.readString(dir.resolve("ca.pem")));
    // The chain inside the keystore is re-imported as signed, so a Java client can present it.
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        dir.resolve("ca.pem").toString(),
        "-keystore",
        store(name),
        "-storepass",
        PASS);
    keytool(
        "-importcert",
        "-alias",
        name,
        "-file",
        cert(name).toString(),
        "-keystore",
        store(name),
        "-storepass",
        PASS,
        "-keypass",
        PASS);
    KeyStore ks = load(name);
    PrivateKey key = (PrivateKey) ks.getKey(name, PASS.toCharArray());
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(key(name), pem);
  }

  Path ca() {
    return dir.resolve("ca.pem");
  }

  Path cert(String name) {
    return dir.resolve(name + ".pem");
  }

  Path key(String name) {
    return dir.resolve(name + ".key");
  }

  /** A client context trusting the CA, presenting {@code name}'s certificate (null: none). */
  SSLContext client(String name) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", load("ca").getCertificate("ca"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (name != null) {
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(load(name), PASS.toCharArray());
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  private KeyStore load(String name) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(store(name)))) {
      ks.load(in, PASS.toCharArray());
    }
    return ks;
  }

  private String store(String name) {
    return dir.resolve(name + ".p12").toString();
  }

  private void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("keytool did not finish: " + command);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          "keytool failed: " + command + "\n" + new String(out, StandardCharsets.UTF_8));
    }
  }
}
