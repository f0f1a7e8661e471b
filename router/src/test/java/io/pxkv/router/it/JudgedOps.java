package io.pxkv.router.it;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * Single-key calls through the router, each judged against what the key may hold ({@link
 * Expectation}) and returning what it may hold afterwards. The judging is the model of the store: a
 * read must show the last acknowledged state, a write or delete with an answer is acknowledged, one
 * without (or with a 5xx) may or may not have happened.
 */
final class JudgedOps {
  private JudgedOps() {}

  enum Verdict {
    /** As the model says. */
    OK,
    /** No HTTP answer: connection refused or cut. */
    NO_ANSWER,
    /** 503. */
    UNAVAILABLE,
    /** Another 5xx. */
    SERVER_ERROR,
    /** 404 for a key that exists. */
    MISSING,
    /** A deleted key was found (a read or delete answered 200). */
    RESURRECTED,
    /** A value that the key never had last, or an older one. */
    WRONG_VALUE,
    /** Any other status. */
    UNEXPECTED
  }

  record Outcome(Verdict verdict, Expectation next, Http.Reply reply) {
    boolean ok() {
      return verdict == Verdict.OK;
    }
  }

  static Outcome get(Http http, int port, String key, Expectation e) {
    Http.Reply r = http.send("GET", port, "/kv/" + key, null);
    if (r.status() == 200) {
      String value = valueOf(new JsonObject(r.body()).getValue("value"));
      if (e.allows(value)) return new Outcome(Verdict.OK, e, r);
      return new Outcome(e.mustBeAbsent() ? Verdict.RESURRECTED : Verdict.WRONG_VALUE, e, r);
    }
    if (r.status() == 404) return new Outcome(e.allows(null) ? Verdict.OK : Verdict.MISSING, e, r);
    return new Outcome(failure(r), e, r);
  }

  static Outcome put(Http http, int port, String key, String value, Expectation e) {
    return put(http, port, key, value, e, false);
  }

  /**
   * A PUT; with {@code judgeCreated}, its 201 or 200 must also say whether the key existed, where
   * the expectation knows ({@link Verdict#MISSING} for 201 of a key that exists, {@link
   * Verdict#RESURRECTED} for 200 of one that does not).
   */
  static Outcome put(
      Http http, int port, String key, String value, Expectation e, boolean judgeCreated) {
    Http.Reply r = http.send("PUT", port, "/kv/" + key, Json.encode(value));
    if (r.status() == 200 || r.status() == 201) {
      Verdict v = Verdict.OK;
      if (judgeCreated && r.status() == 201 && e.mustExist()) v = Verdict.MISSING;
      if (judgeCreated && r.status() == 200 && e.mustBeAbsent()) v = Verdict.RESURRECTED;
      return new Outcome(v, Expectation.value(value), r);
    }
    return new Outcome(failure(r), e.orValue(value), r);
  }

  static Outcome delete(Http http, int port, String key, Expectation e) {
    Http.Reply r = http.send("DELETE", port, "/kv/" + key, null);
    if (r.status() == 200) {
      return new Outcome(
          e.mustBeAbsent() ? Verdict.RESURRECTED : Verdict.OK, Expectation.absent(), r);
    }
    if (r.status() == 404) {
      return e.mustExist()
          ? new Outcome(Verdict.MISSING, e.orAbsent(), r)
          : new Outcome(Verdict.OK, Expectation.absent(), r);
    }
    return new Outcome(failure(r), e.orAbsent(), r);
  }

  /** A listed or read value as the tests compare it: the string itself, else its JSON. */
  static String valueOf(Object jsonValue) {
    return jsonValue instanceof String s ? s : Json.encode(jsonValue);
  }

  private static Verdict failure(Http.Reply r) {
    if (r.status() == 0) return Verdict.NO_ANSWER;
    if (r.status() == 503) return Verdict.UNAVAILABLE;
    if (r.status() >= 500) return Verdict.SERVER_ERROR;
    return Verdict.UNEXPECTED;
  }
}
