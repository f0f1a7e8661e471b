package io.pxkv.common.kv;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.util.ArrayList;
import java.util.List;

/**
 * A glob in the syntax of Redis {@code SCAN MATCH}: {@code *} any run of characters, {@code ?} one
 * character, {@code [abc]}, {@code [a-z]} and {@code [^a-z]} one character of (or not of) a set,
 * {@code \} before any character takes it literally (also inside a set). Characters are Unicode
 * code points ({@code ?} matches one emoji), where Redis counts bytes. Unlike Redis, a glob that is
 * cut short (an unclosed {@code [}, a trailing {@code \}) or has an empty set ({@code []}, {@code
 * [^]}) is refused rather than read some lenient way.
 *
 * <p>Matching runs the glob as a set of states, one per position in the glob, kept as bits and
 * advanced once per character of the key, so it takes time proportional to the key's length times
 * the glob's length in 64-bit words, whatever the glob: {@code *a*a*a*a*a*a*a*b} over a long key
 * costs as much as {@code *b}, with none of a backtracking matcher's blowup.
 *
 * <p>Immutable and thread-safe.
 */
public final class KeyGlob {
  /** Globs longer than this are refused: a glob longer than any key has no use. */
  public static final int MAX_GLOB_CHARS = 4096;

  /** One position of the glob: {@code *}, or a test of one character. */
  private record Token(boolean star, int[] ranges, boolean negated) {
    boolean matches(int cp) {
      boolean in = false;
      for (int i = 0; i < ranges.length && !in; i += 2) in = cp >= ranges[i] && cp <= ranges[i + 1];
      return in != negated;
    }
  }

  private static final int[] ANY = {0, Character.MAX_CODE_POINT};

  private final String glob;
  private final String literalPrefix;
  private final Token[] tokens;
  private final int words;

  /** Bit j set: token j is a star. */
  private final long[] stars;

  /** For each ASCII character, bit j set when token j (not a star) matches it. */
  private final long[][] ascii;

  private KeyGlob(String glob, String literalPrefix, List<Token> tokens) {
    this.glob = glob;
    this.literalPrefix = literalPrefix;
    this.tokens = tokens.toArray(new Token[0]);
    this.words = (this.tokens.length + 1 + 63) / 64;
    this.stars = new long[words];
    for (int j = 0; j < this.tokens.length; j++) {
      if (this.tokens[j].star) stars[j >>> 6] |= 1L << j;
    }
    this.ascii = new long[128][];
    for (int c = 0; c < 128; c++) ascii[c] = singleMatches(c);
  }

  /** The glob as given. */
  public String text() {
    return glob;
  }

  /**
   * The characters every matching key starts with: the glob up to its first {@code *}, {@code ?} or
   * {@code [}, escapes resolved. A node can be asked for that prefix only.
   */
  public String literalPrefix() {
    return literalPrefix;
  }

  /** Reads {@code glob}; a malformed one is {@code 400 invalid_request} saying what is wrong. */
  public static KeyGlob parse(String glob) {
    if (glob.length() > MAX_GLOB_CHARS) {
      throw invalid("is longer than " + MAX_GLOB_CHARS + " characters");
    }
    List<Token> tokens = new ArrayList<>();
    StringBuilder prefix = new StringBuilder();
    boolean literalSoFar = true;
    int i = 0;
    while (i < glob.length()) {
      int cp = glob.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '*') {
        literalSoFar = false;
        // "**" is "*": one star state is enough, and the closure below needs no chains.
        if (tokens.isEmpty() || !tokens.get(tokens.size() - 1).star) {
          tokens.add(new Token(true, null, false));
        }
      } else if (cp == '?') {
        literalSoFar = false;
        tokens.add(new Token(false, ANY, false));
      } else if (cp == '[') {
        literalSoFar = false;
        i = readSet(glob, i, tokens);
      } else {
        if (cp == '\\') {
          if (i >= glob.length()) throw invalid("ends in an unfinished escape '\\'");
          cp = glob.codePointAt(i);
          i += Character.charCount(cp);
        }
        tokens.add(new Token(false, new int[] {cp, cp}, false));
        if (literalSoFar) prefix.appendCodePoint(cp);
      }
    }
    return new KeyGlob(glob, prefix.toString(), tokens);
  }

  /** Reads a set after its '[' at {@code i}; returns the index after its ']'. */
  private static int readSet(String glob, int i, List<Token> tokens) {
    boolean negated = i < glob.length() && glob.charAt(i) == '^';
    if (negated) i++;
    List<Integer> ranges = new ArrayList<>();
    while (true) {
      if (i >= glob.length()) throw invalid("has a '[' without its ']'");
      int cp = glob.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == ']') break;
      if (cp == '\\') {
        if (i >= glob.length()) throw invalid("ends in an unfinished escape '\\'");
        cp = glob.codePointAt(i);
        i += Character.charCount(cp);
      }
      int low = cp;
      int high = cp;
      if (i + 1 < glob.length() && glob.charAt(i) == '-' && glob.charAt(i + 1) != ']') {
        i++;
        high = glob.codePointAt(i);
        i += Character.charCount(high);
        if (high == '\\') {
          if (i >= glob.length()) throw invalid("ends in an unfinished escape '\\'");
          high = glob.codePointAt(i);
          i += Character.charCount(high);
        }
        if (high < low) { // as Redis: [z-a] is [a-z]
          int t = low;
          low = high;
          high = t;
        }
      }
      ranges.add(low);
      ranges.add(high);
    }
    if (ranges.isEmpty()) throw invalid("has an empty set '[]'");
    int[] array = new int[ranges.size()];
    for (int k = 0; k < array.length; k++) array[k] = ranges.get(k);
    tokens.add(new Token(false, array, negated));
    return i;
  }

  /** Whether the whole of {@code key} matches the glob. */
  public boolean matches(String key) {
    return run(key, null);
  }

  /**
   * The work {@link #matches} does on {@code key}, in 64-bit word operations of its state sets: for
   * tests, which check that it grows with the key's length times the glob's words, whatever the
   * glob.
   */
  public long steps(String key) {
    long[] steps = {0};
    run(key, steps);
    return steps[0];
  }

  private boolean run(String key, long[] steps) {
    if (words == 1 && steps == null) return runOneWord(key);
    long[] states = new long[words];
    states[0] = 1; // nothing matched yet
    closeOverStars(states);
    long[] next = new long[words];
    for (int i = 0; i < key.length(); ) {
      int cp = key.codePointAt(i);
      i += Character.charCount(cp);
      long[] single = cp < 128 ? ascii[cp] : singleMatches(cp);
      // From state j: a character test j that passes moves to j + 1; a star j stays at j.
      long carry = 0;
      boolean any = false;
      if (steps != null) steps[0] += words;
      for (int w = 0; w < words; w++) {
        long moved = states[w] & single[w];
        next[w] = (moved << 1) | carry | (states[w] & stars[w]);
        carry = moved >>> 63;
        any |= next[w] != 0;
      }
      if (!any) return false;
      closeOverStars(next);
      long[] t = states;
      states = next;
      next = t;
    }
    int end = tokens.length;
    return (states[end >>> 6] & (1L << end)) != 0;
  }

  /** A star at j may match nothing: whoever is at j is also at j + 1 (never another star). */
  /**
   * {@link #run} for globs of at most 63 tokens, whose states fit one word: the same steps in
   * locals, so matching a key allocates nothing (a listing tests every key a node holds).
   */
  private boolean runOneWord(String key) {
    long star = stars[0];
    long states = 1 | ((1 & star) << 1);
    for (int i = 0; i < key.length(); ) {
      int cp = key.codePointAt(i);
      i += Character.charCount(cp);
      long single = cp < 128 ? ascii[cp][0] : singleMatches(cp)[0];
      long next = ((states & single) << 1) | (states & star);
      if (next == 0) return false;
      states = next | ((next & star) << 1);
    }
    return (states & (1L << tokens.length)) != 0;
  }

  private void closeOverStars(long[] states) {
    long carry = 0;
    for (int w = 0; w < words; w++) {
      long atStar = states[w] & stars[w];
      long before = states[w];
      states[w] = before | (atStar << 1) | carry;
      carry = atStar >>> 63;
    }
  }

  /** Bit j set when token j is a character test that {@code cp} passes. */
  private long[] singleMatches(int cp) {
    long[] bits = new long[words];
    for (int j = 0; j < tokens.length; j++) {
      if (!tokens[j].star && tokens[j].matches(cp)) bits[j >>> 6] |= 1L << j;
    }
    return bits;
  }

  private static KvException invalid(String what) {
    return new KvException(ErrorCode.INVALID_REQUEST, "match glob " + what);
  }
}
