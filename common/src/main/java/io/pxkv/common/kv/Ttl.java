package io.pxkv.common.kv;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A key's time to live: {@code ttl} on a PUT (whole seconds, 1 .. {@link #MAX_SECONDS}) becomes an
 * absolute expiry, {@code expiresAt} (ms since the epoch on disk and on the wire between nodes, RFC
 * 3339 UTC in JSON), so it means the same on every node whatever the moment it arrives. 0 means
 * never.
 */
public final class Ttl {
  /** Ten years of 365 days: the longest ttl a PUT may ask for. */
  public static final long MAX_SECONDS = 10L * 365 * 24 * 60 * 60;

  private Ttl() {}

  /**
   * The ttl of a {@code ?ttl=} query parameter, or 0 when there is none; anything but a whole
   * number of seconds in 1 .. {@link #MAX_SECONDS} is {@code 400 invalid_request}.
   */
  public static long param(String raw) {
    if (raw == null) return 0;
    long seconds;
    try {
      seconds = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw invalid(raw);
    }
    return checked(seconds, raw);
  }

  /** {@code seconds} if it is a valid ttl, else {@code 400 invalid_request} naming {@code was}. */
  public static long checked(long seconds, String was) {
    if (seconds < 1 || seconds > MAX_SECONDS) throw invalid(was);
    return seconds;
  }

  /** The error for a ttl that is not a whole number of seconds in range. */
  public static KvException invalid(String was) {
    return new KvException(
        ErrorCode.INVALID_REQUEST,
        "ttl must be a whole number of seconds in 1.." + MAX_SECONDS + " (was " + was + ")");
  }

  /** The expiry of a ttl of {@code seconds} set at {@code nowMillis}; 0 (never) for a ttl of 0. */
  public static long expiresAt(long nowMillis, long seconds) {
    return seconds == 0 ? 0 : nowMillis + seconds * 1000;
  }

  /**
   * {@code expiresAt} (ms since the epoch, not 0) as RFC 3339 UTC, e.g. 2026-12-05T03:20:00.250Z.
   */
  public static String format(long expiresAt) {
    return Instant.ofEpochMilli(expiresAt).toString();
  }

  /**
   * Parses an RFC 3339 time ({@code Z} or an offset) into ms since the epoch; {@code 400
   * invalid_request} if it is not one, or is not after the epoch.
   */
  public static long parse(String text) {
    Instant at;
    try {
      at = Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        at = OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e2) {
        throw badExpiresAt(text);
      }
    }
    if (at.toEpochMilli() <= 0) throw badExpiresAt(text);
    return at.toEpochMilli();
  }

  private static KvException badExpiresAt(String text) {
    return new KvException(
        ErrorCode.INVALID_REQUEST,
        "field 'expiresAt' must be an RFC 3339 time after 1970 (was " + text + ")");
  }
}
