package org.arbor.formats.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReadAheadByteSourceTest {
  private final byte[] content = new byte[10_000];

  {
    new Random(3).nextBytes(content);
  }

  /** The source under the window, counting the reads it serves. */
  private final class Counted implements ByteSource {
    int reads;
    final java.util.List<Integer> lengths = new java.util.ArrayList<>();

    @Override
    public long size() {
      return content.length;
    }

    @Override
    public byte[] read(long offset, int length) throws IOException {
      reads++;
      lengths.add(length);
      if (offset + length > content.length) {
        throw new EOFException();
      }
      return Arrays.copyOfRange(content, (int) offset, (int) offset + length);
    }
  }

  @Test
  void small_reads_inside_a_window_cost_one_read_of_the_source() throws IOException {
    Counted under = new Counted();
    ReadAheadByteSource source = new ReadAheadByteSource(under, 1024);

    for (int offset = 0; offset < 1000; offset += 10) {
      assertThat(source.read(offset, 10)).isEqualTo(Arrays.copyOfRange(content, offset, offset + 10));
    }

    assertThat(under.reads).isEqualTo(1);
  }

  @Test
  void a_read_across_the_window_edge_refetches_from_its_offset() throws IOException {
    Counted under = new Counted();
    ReadAheadByteSource source = new ReadAheadByteSource(under, 1024);
    source.read(0, 4);

    assertThat(source.read(1020, 8)).isEqualTo(Arrays.copyOfRange(content, 1020, 1028));
    assertThat(source.read(1024, 100)).isEqualTo(Arrays.copyOfRange(content, 1024, 1124));
    assertThat(under.reads).isEqualTo(2);
  }

  @Test
  void the_window_is_clipped_at_the_end_and_reads_past_it_fail() throws IOException {
    Counted under = new Counted();
    ReadAheadByteSource source = new ReadAheadByteSource(under, 4096);

    assertThat(source.read(9_990, 10)).isEqualTo(Arrays.copyOfRange(content, 9_990, 10_000));
    assertThatThrownBy(() -> source.read(9_995, 10)).isInstanceOf(EOFException.class);
  }

  @Test
  void reads_larger_than_the_window_go_straight_through() throws IOException {
    Counted under = new Counted();
    ReadAheadByteSource source = new ReadAheadByteSource(under, 100);

    assertThat(source.read(50, 5000)).isEqualTo(Arrays.copyOfRange(content, 50, 5050));
    assertThat(source.read(5050, 10)).isEqualTo(Arrays.copyOfRange(content, 5050, 5060));
    assertThat(under.reads).isEqualTo(2);
  }

  @Test
  void the_window_grows_while_reads_go_on_sequentially_and_shrinks_after_a_jump() throws IOException {
    Counted under = new Counted();
    ReadAheadByteSource source = new ReadAheadByteSource(under, 100, 800);

    for (int offset = 0; offset < 3000; offset += 50) {
      assertThat(source.read(offset, 50)).isEqualTo(Arrays.copyOfRange(content, offset, offset + 50));
    }
    source.read(9000, 10);

    assertThat(under.lengths).startsWith(100, 200, 400, 800, 800).endsWith(100);
  }
}
