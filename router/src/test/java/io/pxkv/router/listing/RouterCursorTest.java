package io.pxkv.router.listing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.Cursors;
import io.pxkv.common.kv.KeyGlob;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterCursorTest {
  private static final ListingQuery ALL = new ListingQuery("", null, null, null);
  private static final ListingQuery USERS = new ListingQuery("user:", null, null, null);
  private static final ListingQuery RANGE =
      new ListingQuery("", KeyGlob.parse("u*[0-9]"), "a", "\uD83D\uDE80");

  @Test
  void aCursorCarriesTheLastKeyAndItsListingOpaquely() {
    for (ListingQuery query : List.of(ALL, USERS, RANGE)) {
      RouterCursor cursor = new RouterCursor("user:\uD83D\uDE80 \"x\"", query);
      String encoded = cursor.encode();
      assertTrue(encoded.matches("[A-Za-z0-9_-]+"), encoded);
      assertEquals(cursor, RouterCursor.decode(encoded, query));
      assertEquals("user:\uD83D\uDE80 \"x\"", RouterCursor.decode(encoded, query).after());
    }
  }

  @Test
  void aCursorOfAnotherListingOrNotOursIsInvalid() {
    String userCursor = new RouterCursor("user:1", USERS).encode();
    KvException other =
        assertThrows(
            KvException.class,
            () -> RouterCursor.decode(userCursor, new ListingQuery("admin:", null, null, null)));
    assertEquals(ErrorCode.INVALID_CURSOR, other.code());
    assertTrue(other.getMessage().contains("user:"), other.getMessage());
    String rangeCursor = new RouterCursor("b", RANGE).encode();
    for (ListingQuery almost :
        List.of(
            ALL,
            new ListingQuery("", KeyGlob.parse("u*"), "a", "\uD83D\uDE80"),
            new ListingQuery("", KeyGlob.parse("u*[0-9]"), "b", "\uD83D\uDE80"),
            new ListingQuery("", KeyGlob.parse("u*[0-9]"), "a", null))) {
      assertEquals(
          ErrorCode.INVALID_CURSOR,
          assertThrows(KvException.class, () -> RouterCursor.decode(rangeCursor, almost)).code());
    }
    for (String bad :
        List.of(
            "",
            "!!!",
            "bm90IGpzb24",
            Cursors.encode("[1]"),
            Cursors.encode("{\"n\":\"node-9\"}"),
            Cursors.encode("{\"a\":\"\"}"),
            Cursors.encode("{\"a\":7}"),
            Cursors.encode("{\"a\":\"k\",\"p\":1}"))) {
      assertEquals(
          ErrorCode.INVALID_CURSOR,
          assertThrows(KvException.class, () -> RouterCursor.decode(bad, ALL)).code(),
          bad);
    }
  }
}
