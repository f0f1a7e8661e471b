package io.pxkv.node.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys of {@code --encryption-key-file}: one {@code id:base64-of-32-bytes} per line
 * (ids 0 .. 2^31-1, each once; blank lines and lines starting with {@code #} are skipped). The last
 * line's key encrypts new records; the others only decrypt records written under them. {@link
 * #toString} names the ids alone: the key bytes are never printed or logged.
 */
public final class EncryptionKeys {
  private final Map<Integer, SecretKey> keys;
  private final int current;

  private EncryptionKeys(Map<Integer, SecretKey> keys, int current) {
    this.keys = Collections.unmodifiableMap(keys);
    this.current = current;
  }

  /** Reads and checks a key file; the message of a failure names the file and line, no key. */
  public static EncryptionKeys read(Path file) throws EncryptionKeyException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EncryptionKeyException("cannot read the encryption key file " + file + ": " + e);
    }
    return parse(lines, file.toString());
  }

  /** Parses key-file lines; {@code source} names them in messages. */
  public static EncryptionKeys parse(List<String> lines, String source)
      throws EncryptionKeyException {
    Map<Integer, SecretKey> keys = new LinkedHashMap<>();
    int current = -1;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String where = source + " line " + (i + 1);
      int colon = line.indexOf(':');
      if (colon < 0) throw new EncryptionKeyException(where + ": expected id:base64-key");
      int id;
      try {
        id = Integer.parseInt(line.substring(0, colon).strip());
      } catch (NumberFormatException e) {
        throw new EncryptionKeyException(where + ": the key id must be a number 0 .. 2147483647");
      }
      if (id < 0) throw new EncryptionKeyException(where + ": the key id must not be negative");
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(line.substring(colon + 1).strip());
      } catch (IllegalArgumentException e) {
        throw new EncryptionKeyException(where + ": the key is not valid base64");
      }
      if (bytes.length != 32) {
        throw new EncryptionKeyException(
            where + ": the key is " + bytes.length + " bytes, AES-256 needs 32");
      }
      if (keys.put(id, new SecretKeySpec(bytes, "AES")) != null) {
        throw new EncryptionKeyException(where + ": key id " + id + " appears twice");
      }
      current = id;
    }
    if (keys.isEmpty()) throw new EncryptionKeyException(source + " holds no key");
    return new EncryptionKeys(keys, current);
  }

  /** The id of the key that encrypts new records: the last in the file. */
  public int currentId() {
    return current;
  }

  SecretKey current() {
    return keys.get(current);
  }

  /** The key of {@code id}, or null. */
  SecretKey key(int id) {
    return keys.get(id);
  }

  public Set<Integer> ids() {
    return keys.keySet();
  }

  @Override
  public String toString() {
    return "EncryptionKeys" + keys.keySet() + " (encrypting with " + current + ")";
  }
}
