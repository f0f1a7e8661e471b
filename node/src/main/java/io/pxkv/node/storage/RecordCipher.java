package io.pxkv.node.storage;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM of record values (JDK provider). A sealed value is {@code nonce (12) | ciphertext |
 * tag (16)}; the additional authenticated data is the record's header and key (every byte of the
 * record but its CRC and the value: kind, flags, seq, version, writer, lengths, codec, key id,
 * key), so a ciphertext moved to another key, another write or another place in a key's history
 * fails its tag, as does any changed byte.
 *
 * <p>Nonces are 96 random bits per sealed value, from a {@link SecureRandom}. Random nonces need no
 * state that a crash or a copied directory could roll back (a counter could repeat after either);
 * the price is a bound: the chance that any two of n values sealed under one key share a nonce is
 * below n^2 / 2^97, under 2^-32 up to 2^32 values. Rotate the key well before four billion writes
 * (docs/OPERATIONS.md).
 *
 * <p>Thread-safe: one {@link Cipher} per thread.
 */
final class RecordCipher {
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;

  /** Bytes a sealed value has beyond its plaintext. */
  static final int OVERHEAD = NONCE_BYTES + TAG_BYTES;

  private static final ThreadLocal<Cipher> CIPHERS =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException("this JVM has no AES/GCM", e);
            }
          });

  private final EncryptionKeys keys;
  private final SecureRandom random;

  RecordCipher(EncryptionKeys keys) {
    this(keys, strongRandom());
  }

  /** With nonces from {@code random}: for the documented example, whose bytes must not change. */
  RecordCipher(EncryptionKeys keys, SecureRandom random) {
    this.keys = keys;
    this.random = random;
  }

  private static SecureRandom strongRandom() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  EncryptionKeys keys() {
    return keys;
  }

  /** The id of the key new records are sealed with. */
  int currentId() {
    return keys.currentId();
  }

  /**
   * Seals {@code plain} with the current key at {@code out}'s position (which must have {@code
   * plain.length + OVERHEAD} bytes of room), binding the bytes of {@code aad}.
   */
  void seal(ByteBuffer aad, byte[] plain, ByteBuffer out) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    Cipher c = CIPHERS.get();
    try {
      c.init(Cipher.ENCRYPT_MODE, keys.current(), new GCMParameterSpec(TAG_BYTES * 8, nonce));
      c.updateAAD(aad);
      out.put(nonce);
      c.doFinal(ByteBuffer.wrap(plain), out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * The plaintext of a value sealed under key {@code keyId} with {@code aad}.
   *
   * @throws EncryptionKeyException if this node has no key {@code keyId}
   * @throws GeneralSecurityException if the tag does not match: a changed byte, a moved value or
   *     the wrong key
   */
  byte[] open(int keyId, byte[] aad, byte[] sealed)
      throws EncryptionKeyException, GeneralSecurityException {
    SecretKey key = keys.key(keyId);
    if (key == null) {
      throw new EncryptionKeyException(
          "a record is encrypted under key id " + keyId + ", which the key file does not hold");
    }
    return open(key, aad, sealed);
  }

  static byte[] open(SecretKey key, byte[] aad, byte[] sealed) throws GeneralSecurityException {
    if (sealed.length < OVERHEAD) {
      throw new GeneralSecurityException("sealed value shorter than its nonce and tag");
    }
    Cipher c = CIPHERS.get();
    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, sealed, 0, NONCE_BYTES));
    c.updateAAD(aad);
    return c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
  }

  /** Seals {@code plain} under {@code key} with {@code aad}: for the key check file. */
  static byte[] seal(SecretKey key, byte[] aad, byte[] plain, SecureRandom random)
      throws GeneralSecurityException {
    byte[] out = new byte[NONCE_BYTES + plain.length + TAG_BYTES];
    random.nextBytes(out);
    Cipher c = CIPHERS.get();
    c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, out, 0, NONCE_BYTES));
    c.updateAAD(aad);
    c.doFinal(plain, 0, plain.length, out, NONCE_BYTES);
    return out;
  }
}
