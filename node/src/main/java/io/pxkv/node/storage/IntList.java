package io.pxkv.node.storage;

import java.util.Arrays;

/** A growable list of ints, for entry ids. Not thread-safe. */
final class IntList {
  private int[] values = new int[16];
  private int size;

  void add(int value) {
    if (size == values.length) values = Arrays.copyOf(values, size * 2);
    values[size++] = value;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Removes and returns the last value. */
  int pop() {
    return values[--size];
  }

  /** The values, and the list emptied. */
  int[] drain() {
    int[] all = Arrays.copyOf(values, size);
    size = 0;
    if (values.length > 1024) values = new int[16];
    return all;
  }
}
