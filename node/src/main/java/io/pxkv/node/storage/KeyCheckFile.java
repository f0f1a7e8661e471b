package io.pxkv.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;
import javax.crypto.SecretKey;

/**
 * {@code KEYS} in the data directory: one line {@code id base64(check)} per encryption key id that
 * records on disk may be sealed under, where {@code check} is an empty plaintext sealed with that
 * key (AES-GCM, nonce and tag, no secret in it). It lets a node refuse to start, before it reads a
 * value, when a key the data needs is missing from the key file or is a different key with the same
 * id, and when encrypted data is opened without keys; segments loaded from hints are never read at
 * start, so their key ids could not be known otherwise.
 *
 * <p>An id is added (published atomically) before the first record is sealed under it, and the file
 * is cut back to the current id after a full compaction re-sealed every record under it.
 */
final class KeyCheckFile {
  static final String NAME = "KEYS";

  private KeyCheckFile() {}

  /**
   * Checks the key file against the data: every id listed must be in {@code cipher}'s keys and be
   * the same key; listed ids without {@code cipher} (encryption off) refuse too. Changes nothing.
   */
  static void verify(StorageFiles files, Path dir, RecordCipher cipher) throws IOException {
    TreeMap<Integer, byte[]> listed = read(files, dir);
    if (cipher == null) {
      if (!listed.isEmpty()) {
        throw new EncryptionKeyException(
            dir
                + " holds values encrypted under key ids "
                + listed.keySet()
                + "; start the node with --encryption-key-file holding them");
      }
      return;
    }
    EncryptionKeys keys = cipher.keys();
    for (var e : listed.entrySet()) {
      SecretKey key = keys.key(e.getKey());
      if (key == null) {
        throw new EncryptionKeyException(
            dir
                + " holds values encrypted under key id "
                + e.getKey()
                + ", which the encryption key file does not hold (it holds "
                + keys.ids()
                + ")");
      }
      try {
        RecordCipher.open(key, aad(e.getKey()), e.getValue());
      } catch (GeneralSecurityException wrong) {
        throw new EncryptionKeyException(
            "key id "
                + e.getKey()
                + " of the encryption key file is not the key the values in "
                + dir
                + " were encrypted with");
      }
    }
  }

  /**
   * Adds {@code cipher}'s current id when it is not listed, before any record is sealed under it;
   * returns the ids listed now (none without {@code cipher}).
   */
  static List<Integer> addCurrent(StorageFiles files, Path dir, RecordCipher cipher)
      throws IOException {
    if (cipher == null) return List.of();
    TreeMap<Integer, byte[]> listed = read(files, dir);
    if (!listed.containsKey(cipher.currentId())) {
      listed.put(cipher.currentId(), check(cipher.keys(), cipher.currentId()));
      write(files, dir, listed);
    }
    return new ArrayList<>(listed.keySet());
  }

  /** After every record was re-sealed under the current key: lists that key alone. */
  static void retainCurrent(StorageFiles files, Path dir, RecordCipher cipher) throws IOException {
    TreeMap<Integer, byte[]> listed = read(files, dir);
    if (listed.size() == 1 && listed.containsKey(cipher.currentId())) return;
    TreeMap<Integer, byte[]> only = new TreeMap<>();
    byte[] current = listed.get(cipher.currentId());
    only.put(
        cipher.currentId(), current != null ? current : check(cipher.keys(), cipher.currentId()));
    write(files, dir, only);
  }

  private static byte[] check(EncryptionKeys keys, int id) throws IOException {
    try {
      return RecordCipher.seal(keys.key(id), aad(id), new byte[0], new SecureRandom());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot seal the key check of key id " + id, e);
    }
  }

  private static byte[] aad(int id) {
    return ("px-kvstore key check " + id).getBytes(StandardCharsets.UTF_8);
  }

  private static TreeMap<Integer, byte[]> read(StorageFiles files, Path dir) throws IOException {
    TreeMap<Integer, byte[]> listed = new TreeMap<>();
    Path file = dir.resolve(NAME);
    if (!files.list(dir).contains(file)) return listed;
    String text = StandardCharsets.UTF_8.decode(AtomicFiles.readAll(files, file)).toString();
    for (String line : text.split("\n")) {
      if (line.isBlank()) continue;
      String[] parts = line.strip().split(" ");
      try {
        listed.put(Integer.parseInt(parts[0]), Base64.getDecoder().decode(parts[1]));
      } catch (RuntimeException e) {
        throw new StorageCorruptionException(file, 0, "unreadable line '" + line + "'");
      }
    }
    return listed;
  }

  private static void write(StorageFiles files, Path dir, TreeMap<Integer, byte[]> listed)
      throws IOException {
    StringBuilder text = new StringBuilder();
    for (var e : listed.entrySet()) {
      text.append(e.getKey())
          .append(' ')
          .append(Base64.getEncoder().encodeToString(e.getValue()))
          .append('\n');
    }
    AtomicFiles.publish(
        files, dir, NAME, ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
  }
}
