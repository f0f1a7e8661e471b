package io.pxkv.common.error;

/**
 * A failure with a client-visible {@link ErrorCode}. Handlers throw or fail futures with it; {@link
 * io.pxkv.common.http.ErrorResponses} turns it into the JSON error body. Client errors (4xx) carry
 * no stack trace: they are expected, frequent, and the trace would say nothing.
 */
public final class KvException extends RuntimeException {
  private final ErrorCode code;

  public KvException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public KvException(ErrorCode code, String message, Throwable cause) {
    super(message, cause, false, !code.isClientError());
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static KvException invalidJson(String message) {
    return new KvException(ErrorCode.INVALID_JSON, message);
  }

  public static KvException invalidKey(String message) {
    return new KvException(ErrorCode.INVALID_KEY, message);
  }

  public static KvException notFound(String key) {
    return new KvException(ErrorCode.NOT_FOUND, "no value for key " + KeyText.forMessage(key));
  }

  /** Keys in messages are shown shortened so one huge key cannot blow up an error body or a log. */
  static final class KeyText {
    private static final int MAX_CHARS = 64;

    static String forMessage(String key) {
      String shown = key.length() > MAX_CHARS ? key.substring(0, MAX_CHARS) + "..." : key;
      return "'" + shown + "'";
    }
  }
}
