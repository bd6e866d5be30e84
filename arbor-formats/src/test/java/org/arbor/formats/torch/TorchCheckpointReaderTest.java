package org.arbor.formats.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteArraySource;
import org.arbor.formats.pickle.TestVectors;
import org.junit.jupiter.api.Test;

class TorchCheckpointReaderTest {

  @Test
  void reads_the_tensor_table_of_the_tiny_checkpoint() throws Exception {
    List<TorchTensor> tensors = read(TestVectors.tinyTorchZip());

    assertThat(tensors).containsExactly(
        new TorchTensor("w", "F32", List.of(2L, 3L), "0"),
        new TorchTensor("b", "F32", List.of(3L), "1"));
    assertThat(tensors.stream().mapToLong(TorchTensor::elements).sum()).isEqualTo(9);
  }

  @Test
  void names_tensors_of_a_nested_checkpoint_by_path() throws Exception {
    assertThat(read(TestVectors.nestedTorchZip())).containsExactly(
        new TorchTensor("state_dict.enc.w", "F16", List.of(4L, 2L), "0"),
        new TorchTensor("state_dict.enc.b", "F16", List.of(4L), "1"));
  }

  @Test
  void missing_storage_record_is_a_format_error() {
    assertThatThrownBy(() -> read(TestVectors.torchZipWithoutStorages()))
        .isInstanceOf(FormatException.class).hasMessageContaining("archive/data/0 is missing");
  }

  @Test
  void a_pickle_is_not_a_checkpoint() {
    assertThatThrownBy(() -> read(HexFormat.of().parseHex("80025d2e")))
        .isInstanceOf(FormatException.class).hasMessageContaining("not a PyTorch zip checkpoint");
  }

  @Test
  void a_tensor_reaching_past_its_storage_is_a_format_error() {
    assertThatThrownBy(() -> read(TestVectors.torchZipWithShortStorage()))
        .isInstanceOf(FormatException.class).hasMessageContaining("of a storage holding");
  }

  private static List<TorchTensor> read(byte[] bytes) throws IOException, FormatException {
    return TorchCheckpointReader.tensors(new ByteArraySource(bytes), "pytorch_model.bin");
  }
}
