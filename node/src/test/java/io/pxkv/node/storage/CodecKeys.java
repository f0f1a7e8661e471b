package io.pxkv.node.storage;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Encryption keys for tests: fresh random AES-256 keys under the ids given. */
final class CodecKeys {
  private static final SecureRandom RANDOM = new SecureRandom();

  private CodecKeys() {}

  /** A key-file line {@code id:base64} of a fresh key. */
  static String line(int id) {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return id + ":" + Base64.getEncoder().encodeToString(key);
  }

  /** Keys parsed from {@code lines}, the last one encrypting. */
  static EncryptionKeys of(String... lines) {
    try {
      return EncryptionKeys.parse(new ArrayList<>(List.of(lines)), "test keys");
    } catch (EncryptionKeyException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
