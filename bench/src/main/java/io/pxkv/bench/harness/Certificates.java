package io.pxkv.bench.harness;

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

/**
 * A throwaway CA and one certificate it signed for {@code 127.0.0.1} and {@code localhost}, for the
 * TLS scenario: made with the JDK's {@code keytool} (the JDK has no public API to sign a
 * certificate) in the scenario's temp folder, and written as the PEM files the px-kvstore flags
 * take: {@code ca.pem}, {@code server.pem} (certificate then CA) and {@code server.key} (PKCS#8).
 */
public final class Certificates {
  private static final String PASS = "bench-pass";

  private final Path dir;

  private Certificates(Path dir) {
    this.dir = dir;
  }

  public static Certificates make(Path dir) {
    try {
      Files.createDirectories(dir);
      Certificates c = new Certificates(dir);
      c.keytool(
          "-genkeypair",
          "-alias",
          "ca",
          "-keyalg",
          "RSA",
          "-keysize",
          "2048",
          "-dname",
          "CN=px-kvstore bench CA",
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
          c.ca().toString());
      c.keytool(
          "-genkeypair",
          "-alias",
          "server",
          "-keyalg",
          "RSA",
          "-keysize",
          "2048",
          "-dname",
          "CN=localhost",
          "-validity",
          "2",
          "-keystore",
          c.store("server"),
          "-storetype",
          "PKCS12",
          "-storepass",
          PASS,
          "-keypass",
          PASS);
      Path csr = dir.resolve("server.csr");
      c.keytool(
          "-certreq",
          "-alias",
          "server",
          "-keystore",
          c.store("server"),
          "-storepass",
          PASS,
          "-file",
          csr.toString());
      Path signed = dir.resolve("server.signed.pem");
      c.keytool(
          "-gencert",
          "-rfc",
          "-alias",
          "ca",
          "-keystore",
          c.store("ca"),
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
      Files.writeString(c.cert(), Files.readString(signed) + Files.readString(c.ca()));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(Path.of(c.store("server")))) {
        ks.load(in, PASS.toCharArray());
      }
      PrivateKey key = (PrivateKey) ks.getKey("server", PASS.toCharArray());
      Files.writeString(
          c.key(),
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(key.getEncoded())
              + "\n-----END PRIVATE KEY-----\n");
      return c;
    } catch (Exception e) {
      throw new BenchException("making the TLS certificates failed: " + e.getMessage(), e);
    }
  }

  public Path ca() {
    return dir.resolve("ca.pem");
  }

  public Path cert() {
    return dir.resolve("server.pem");
  }

  public Path key() {
    return dir.resolve("server.key");
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
      throw new IOException("keytool failed: " + new String(out, StandardCharsets.UTF_8));
    }
  }
}
