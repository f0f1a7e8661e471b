package io.pxkv.common.auth;

/**
 * A router's tokens: the data token (reads and writes of keys) and the admin token (every call).
 * Both null: tokens are off and every call is open. An admin token alone guards every call with
 * that one token; a data token needs an admin token beside it (else no one could call {@code
 * /admin}), and the two must differ.
 */
public record Tokens(Secret data, Secret admin) {
  public static final Tokens NONE = new Tokens(null, null);

  public Tokens {
    if (data != null && admin == null) {
      throw new IllegalArgumentException("a data token needs an admin token too");
    }
    if (data != null && data.equals(admin)) {
      throw new IllegalArgumentException("the data token and the admin token must differ");
    }
  }

  public boolean on() {
    return admin != null;
  }

  @Override
  public String toString() {
    return on() ? (data != null ? "data and admin tokens" : "admin token") : "no tokens";
  }
}
