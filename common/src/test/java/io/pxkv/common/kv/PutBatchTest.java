package io.pxkv.common.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PutBatchTest {
  @Test
  void entriesComeBackAsTheyWereAppended() {
    Buffer request = Buffer.buffer();
    PutBatch.appendEntry(request, PutBatch.Form.PATH, utf8("clé/1"), Buffer.buffer("{\"a\":1}"));
    PutBatch.appendEntry(
        request, PutBatch.Form.BODY, utf8("k2"), Buffer.buffer("{\"key\":\"k2\",\"value\":2}"));
    PutBatch.appendEntry(request, PutBatch.Form.PATH, utf8("empty"), Buffer.buffer());
    assertEquals(
        PutBatch.entrySize(utf8("clé/1"), 7)
            + PutBatch.entrySize(utf8("k2"), 22)
            + PutBatch.entrySize(utf8("empty"), 0),
        request.length());

    List<PutBatch.Entry> entries = PutBatch.decodeEntries(request);
    assertEquals(3, entries.size());
    assertEquals(PutBatch.Form.PATH, entries.get(0).form());
    assertEquals("clé/1", entries.get(0).key());
    assertArrayEquals(utf8("{\"a\":1}"), entries.get(0).body());
    assertEquals(PutBatch.Form.BODY, entries.get(1).form());
    assertEquals("k2", entries.get(1).key());
    assertEquals(0, entries.get(2).body().length);
  }

  @Test
  void malformedRequestsAreInvalidRequestsNamingTheEntry() {
    Buffer good =
        PutBatch.appendEntry(Buffer.buffer(), PutBatch.Form.PATH, utf8("k"), Buffer.buffer("1"));
    Buffer cut =
        PutBatch.appendEntry(good.copy(), PutBatch.Form.PATH, utf8("k"), Buffer.buffer("12"));
    cut = cut.getBuffer(0, cut.length() - 1);
    assertMalformed(cut, "entry 1 is cut short");

    Buffer unknownForm = good.copy();
    unknownForm.setByte(0, (byte) 7);
    assertMalformed(unknownForm, "entry 0 has an unknown form 7");

    Buffer negativeLength = good.copy();
    negativeLength.setInt(1, -5);
    assertMalformed(negativeLength, "entry 0 is cut short");

    Buffer hugeLength = good.copy();
    hugeLength.setInt(1 + 4 + 1, Integer.MAX_VALUE);
    assertMalformed(hugeLength, "entry 0 is cut short");

    Buffer badKey =
        Buffer.buffer().appendByte((byte) 0).appendInt(1).appendByte((byte) 0xff).appendInt(0);
    assertMalformed(badKey, "the key of entry 0 is not UTF-8");

    assertMalformed(
        Buffer.buffer().appendByte((byte) 0).appendShort((short) 1), "entry 0 is cut short");
    assertEquals(List.of(), PutBatch.decodeEntries(Buffer.buffer()));
  }

  @Test
  void answersComeBackInOrderAndAWrongCountIsRefused() {
    Buffer response = Buffer.buffer();
    PutBatch.appendAnswer(response, 201, Buffer.buffer("{\"key\":\"a\"}"));
    PutBatch.appendAnswer(response, 400, Buffer.buffer("{\"error\":\"invalid_json\"}"));
    List<PutBatch.Answer> answers = PutBatch.decodeAnswers(response, 2);
    assertEquals(201, answers.get(0).status());
    assertEquals("{\"key\":\"a\"}", answers.get(0).body().toString());
    assertEquals(400, answers.get(1).status());

    IllegalArgumentException wrongCount =
        assertThrows(IllegalArgumentException.class, () -> PutBatch.decodeAnswers(response, 3));
    assertEquals("2 answers for 3 PUTs", wrongCount.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> PutBatch.decodeAnswers(response.getBuffer(0, response.length() - 1), 2));
    assertThrows(
        IllegalArgumentException.class, () -> PutBatch.decodeAnswers(response.getBuffer(0, 5), 1));
  }

  private static void assertMalformed(Buffer request, String detail) {
    KvException e = assertThrows(KvException.class, () -> PutBatch.decodeEntries(request));
    assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    assertTrue(e.getMessage().equals("malformed put batch: " + detail), e.getMessage());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
