package org.arbor.formats.gguf;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * Read-only list views over primitive arrays, so that a 150k-entry numeric metadata array costs
 * 8 bytes an element instead of a boxed object each. They compare equal to any list with the same
 * elements.
 */
final class PrimitiveLists {
  private PrimitiveLists() {}

  static List<Long> of(long[] values) {
    return new Longs(values);
  }

  static List<Double> of(double[] values) {
    return new Doubles(values);
  }

  static List<Boolean> of(boolean[] values) {
    return new Booleans(values);
  }

  private static final class Longs extends AbstractList<Long> implements RandomAccess {
    private final long[] values;

    Longs(long[] values) {
      this.values = values;
    }

    @Override
    public Long get(int index) {
      return values[index];
    }

    @Override
    public int size() {
      return values.length;
    }
  }

  private static final class Doubles extends AbstractList<Double> implements RandomAccess {
    private final double[] values;

    Doubles(double[] values) {
      this.values = values;
    }

    @Override
    public Double get(int index) {
      return values[index];
    }

    @Override
    public int size() {
      return values.length;
    }
  }

  private static final class Booleans extends AbstractList<Boolean> implements RandomAccess {
    private final boolean[] values;

    Booleans(boolean[] values) {
      this.values = values;
    }

    @Override
    public Boolean get(int index) {
      return values[index];
    }

    @Override
    public int size() {
      return values.length;
    }
  }
}
