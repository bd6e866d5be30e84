package org.arbor.formats.xet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteGroupingTest {
  @Test
  void groups_bytes_by_position_modulo_4() {
    // n = 10: groups of 3, 3, 2 and 2 bytes.
    byte[] data = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    byte[] grouped = {0, 4, 8, 1, 5, 9, 2, 6, 3, 7};
    assertThat(ByteGrouping4.group(data)).containsExactly(grouped);
    assertThat(ByteGrouping4.regroup(grouped)).containsExactly(data);
  }

  @Test
  void short_inputs_put_one_byte_in_each_of_the_first_groups() {
    assertThat(ByteGrouping4.group(new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
    assertThat(ByteGrouping4.group(new byte[] {1, 2, 3, 4, 5})).containsExactly(1, 5, 2, 3, 4);
  }

  @Test
  void round_trips_every_small_length() {
    for (int n = 0; n <= 9; n++) {
      byte[] data = new byte[n];
      for (int i = 0; i < n; i++) {
        data[i] = (byte) (100 + i);
      }
      assertThat(ByteGrouping4.regroup(ByteGrouping4.group(data))).as("length %d", n)
          .containsExactly(data);
    }
  }

  @Test
  void round_trips_random_data() {
    byte[] data = new byte[10001];
    new Random(7).nextBytes(data);
    byte[] grouped = ByteGrouping4.group(data);
    assertThat(grouped).isNotEqualTo(data);
    assertThat(ByteGrouping4.regroup(grouped)).containsExactly(data);
    assertThat(ByteGrouping4.group(ByteGrouping4.regroup(data))).containsExactly(data);
  }
}
