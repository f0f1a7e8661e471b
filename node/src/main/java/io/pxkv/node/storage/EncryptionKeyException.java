package io.pxkv.node.storage;

import java.io.IOException;

/**
 * The encryption keys given do not fit the data: a key the data was written with is missing or is
 * not the same key, encrypted data was opened without keys, or the key file is unreadable. The
 * message says which, naming key ids, never key bytes. The node refuses to start (exit 2).
 */
public final class EncryptionKeyException extends IOException {
  public EncryptionKeyException(String message) {
    super(message);
  }
}
