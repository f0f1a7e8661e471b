package io.pxkv.common.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Known answers: the first 64 bits of MurmurHash3 x64_128 (seed 0), as Guava computes them. */
class Murmur3Test {

  @ParameterizedTest(name = "\"{0}\" hashes to {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''|0",
        "a|-8839064797231613815",
        "hello|-3758069500696749310",
        "abcdefghijklmnop|-4266531025627334877",
        "abcdefghijklmnopq|8459014091212432983",
        "key-42|-6346127654350277332",
        "ünïcødé 🚀|-7707212236888464823",
        "0123456789abcdefghijklmnopqrstuvwxyz|-1176888209443754603"
      })
  void hashMatchesTheReferenceImplementation(String input, long expected) {
    assertEquals(expected, Murmur3.INSTANCE.hash(input));
  }
}
