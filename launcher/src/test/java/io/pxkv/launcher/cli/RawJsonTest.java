package io.pxkv.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class RawJsonTest {
  @Test
  void aMemberIsItsTextExactly() throws Exception {
    String body =
        "{\"key\":\"k,}\\\"\",\"value\":{\"n\":1.10,\"big\":12345678901234567890123,\"s\":\"}]\"},"
            + "\"version\":17}";
    assertEquals(
        "{\"n\":1.10,\"big\":12345678901234567890123,\"s\":\"}]\"}", RawJson.member(body, "value"));
    assertEquals("17", RawJson.member(body, "version"));
    assertEquals("\"k,}\\\"\"", RawJson.member(body, "key"));
    assertNull(RawJson.member(body, "cursor"));
    assertEquals("1.0E2", RawJson.member("{ \"value\" : 1.0E2 , \"x\":[] }", "value"));
  }

  @Test
  void theElementsOfAnArrayAreTheirTexts() throws Exception {
    String page =
        "{\"items\":[{\"key\":\"a\",\"value\":[1, 2]},{\"key\":\"b\",\"value\":null}],\"cursor\":\"c\"}";
    assertEquals(
        List.of("{\"key\":\"a\",\"value\":[1, 2]}", "{\"key\":\"b\",\"value\":null}"),
        RawJson.elements(page, "items"));
    assertEquals(List.of(), RawJson.elements("{\"items\":[]}", "items"));
  }
}
