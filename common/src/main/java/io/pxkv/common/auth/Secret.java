package io.pxkv.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A token or the cluster secret a process was given. It keeps the SHA-256 digest that presented
 * tokens are compared with, in constant time ({@link MessageDigest#isEqual} on two digests of the
 * same length, so neither the time nor an early exit tells how much of a guess was right), and the
 * {@code Authorization} header value a holder sends. It never shows its text: {@link #toString}
 * says what it is, not what it holds, so a config printed or logged leaks nothing.
 *
 * <p>A secret is 16 to 4096 visible ASCII characters (no spaces): what a header can carry, and long
 * enough that guessing is hopeless. {@code openssl rand -hex 32} makes a good one.
 */
public final class Secret {
  public static final int MIN_LENGTH = 16;
  public static final int MAX_LENGTH = 4096;

  private final byte[] digest;
  private final String authorization;

  private Secret(String text) {
    this.digest = digest(sha256(), text);
    this.authorization = "Bearer " + text;
  }

  /**
   * The secret {@code text}, already trimmed.
   *
   * @throws IllegalArgumentException naming the rule it breaks (never quoting the text)
   */
  public static Secret of(String text) {
    String problem = problem(text);
    if (problem != null) throw new IllegalArgumentException(problem);
    return new Secret(text);
  }

  /** What is wrong with {@code text} as a secret, or null when nothing is. */
  static String problem(String text) {
    if (text == null || text.isEmpty()) return "is empty";
    if (text.length() < MIN_LENGTH) {
      return "is shorter than " + MIN_LENGTH + " characters (" + text.length() + ")";
    }
    if (text.length() > MAX_LENGTH) return "is longer than " + MAX_LENGTH + " characters";
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return "must be visible ASCII characters without spaces (character " + (i + 1) + " is not)";
      }
    }
    return null;
  }

  /** Whether {@code presentedDigest} (from {@link #digest}) is this secret's, in constant time. */
  public boolean matches(byte[] presentedDigest) {
    return MessageDigest.isEqual(digest, presentedDigest);
  }

  /** {@code Bearer <secret>}: the {@code Authorization} header value of a holder. */
  public String authorization() {
    return authorization;
  }

  /** The SHA-256 of {@code presented}'s UTF-8 bytes, with {@code sha256} (reset after use). */
  public static byte[] digest(MessageDigest sha256, String presented) {
    return sha256.digest(presented.getBytes(StandardCharsets.UTF_8));
  }

  /** A fresh SHA-256 digester: not thread-safe, so each event loop keeps its own. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Equal digests: the same secret. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && MessageDigest.isEqual(digest, s.digest);
  }

  @Override
  public int hashCode() {
    return digest[0] << 8 | (digest[1] & 0xff);
  }

  @Override
  public String toString() {
    return "Secret(hidden)";
  }
}
