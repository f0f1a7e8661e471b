package io.pxkv.bench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MediansTest {
  record Turn(String name, double rps) {}

  @Test
  void theMedianOfAnOddCountIsTheMiddleRunWhateverTheOrder() {
    List<Turn> turns = List.of(new Turn("a", 300), new Turn("b", 100), new Turn("c", 200));
    assertEquals("c", Medians.lowerMedian(turns, Turn::rps).name());
  }

  @Test
  void theMedianOfAnEvenCountIsTheLowerMiddleRun() {
    List<Turn> turns =
        List.of(new Turn("a", 400), new Turn("b", 100), new Turn("c", 300), new Turn("d", 200));
    assertEquals("d", Medians.lowerMedian(turns, Turn::rps).name());
  }

  @Test
  void oneRunIsItsOwnMedian() {
    assertEquals("a", Medians.lowerMedian(List.of(new Turn("a", 1)), Turn::rps).name());
  }

  @Test
  void noRunsHaveNoMedian() {
    assertThrows(
        IllegalArgumentException.class, () -> Medians.lowerMedian(List.<Turn>of(), Turn::rps));
  }
}
