package io.pxkv.node.storage;

/**
 * What a record says about its key (docs/STORAGE.md, "Record kinds"). Written to disk as {@link
 * #code}: never renumber.
 */
enum RecordKind {
  /** A value: the key is live. */
  PUT(1),
  /** A tombstone: the key is deleted, and an import of an older write is refused. */
  DELETE(2),
  /**
   * A handoff marker: a move copied the key to another node, so it is absent here; it hides older
   * records at restart but never blocks the key from coming back.
   */
  HANDOFF(3);

  private final byte code;

  RecordKind(int code) {
    this.code = (byte) code;
  }

  byte code() {
    return code;
  }

  /** The kind with this code, or null for a code this version does not know. */
  static RecordKind of(int code) {
    return switch (code) {
      case 1 -> PUT;
      case 2 -> DELETE;
      case 3 -> HANDOFF;
      default -> null;
    };
  }
}
